namespace Migrations.Tests.Generation;

/// <summary>
/// The cases of <see cref="GenerationCases"/> grouped into batches that run as one mutation, so the proof costs a
/// dozen round trips instead of one per case. Cases that touch the same object ("subjects") never share a batch;
/// "*" runs alone. A batch that fails is run again case by case, so every case is still proven on its own.
/// </summary>
public static class GenerationBatches
{
    private static readonly Dictionary<string, string[]> Subjects = new()
    {
        ["schema dropped with everything in it"] = ["*"],
        ["inheriting table added"] = ["*"],
        ["enum label added at the end"] = ["colour"],
        ["enum label added in the middle"] = ["colour"],
        ["enum comment added"] = ["colour"],
        ["view added"] = ["colour"],
        ["enum dropped, its column made text"] = ["colour", "item_totals"],
        ["enum label removed while a column uses it"] = ["colour", "item_totals"],
        ["domain dropped"] = ["positive"],
        ["domain default changed"] = ["positive"],
        ["domain not null dropped"] = ["positive"],
        ["domain check added"] = ["positive"],
        ["domain check dropped"] = ["positive"],
        ["composite type dropped"] = ["pair"],
        ["composite attribute added"] = ["pair"],
        ["composite attribute retyped"] = ["pair"],
        ["sequence dropped"] = ["counter"],
        ["sequence increment changed"] = ["counter"],
        ["sequence bounds and cycle changed"] = ["counter"],
        ["sequence comment added"] = ["counter"],
        ["sequence owned by a column"] = ["counter"],
        ["table dropped"] = ["item_refs"],
        ["table made unlogged"] = ["item_refs"],
        ["primary key dropped"] = ["item_refs"],
        ["foreign key onto a unique index that moves"] = ["item_refs", "items.code"],
        ["check constraint added not valid"] = ["items.code"],
        ["view over a column whose type changes, view text unchanged"] = ["item_codes", "items.code"],
        ["table comment changed"] = ["api_keys"],
        ["table comment dropped"] = ["api_keys"],
        ["view over a column whose type changes"] = ["active_api_keys"],
        ["view comment added"] = ["active_api_keys"],
        ["last column dropped"] = ["locale"],
        ["column narrowed"] = ["locale"],
        ["column collation changed"] = ["locale"],
        ["column default added"] = ["locale"],
        ["column not null set"] = ["locale"],
        ["column comment added"] = ["locale"],
        ["check constraint dropped"] = ["users_email_lowercase"],
        ["constraint comment added"] = ["users_email_lowercase"],
        ["identity dropped"] = ["audit_log.id"],
        ["identity kind changed"] = ["audit_log.id"],
        ["identity options changed"] = ["audit_log.id"],
        ["column widened"] = ["items.note"],
        ["column type changed with a cast"] = ["items.note"],
        ["partial index added"] = ["items.note"],
        ["policy added"] = ["items.note"],
        ["unique constraint added"] = ["items.note"],
        ["procedure body changed"] = ["items.note", "touch"],
        ["procedure dropped"] = ["touch"],
        ["view definition changed"] = ["items.note", "item_codes"],
        ["view dropped"] = ["item_codes"],
        ["view option set"] = ["item_codes"],
        ["view column comment added"] = ["item_codes"],
        ["foreign key dropped"] = ["items_owner_id_fkey"],
        ["foreign key action changed"] = ["items_owner_id_fkey"],
        ["index dropped"] = ["sessions_user_id_idx"],
        ["index changed"] = ["sessions_user_id_idx"],
        ["index comment added"] = ["sessions_user_id_idx"],
        ["materialized view dropped"] = ["item_totals"],
        ["materialized view changed"] = ["item_totals"],
        ["materialized view index added"] = ["item_totals"],
        ["function dropped"] = ["double_it"],
        ["function body changed"] = ["double_it"],
        ["function result type changed"] = ["double_it"],
        ["function overload added"] = ["double_it"],
        ["function comment added"] = ["double_it"],
        ["trigger dropped"] = ["items_touch"],
        ["trigger disabled"] = ["items_touch"],
        ["trigger set to fire on replicas"] = ["items_touch"],
        ["trigger changed"] = ["items_touch", "audit_touch"],
        ["trigger comment added"] = ["items_touch"],
        ["function used by a trigger renamed"] = ["items_touch", "audit_touch"],
        ["policy dropped"] = ["items_read"],
        ["policy changed"] = ["items_read"],
        ["policy comment added"] = ["items_read"],
        ["collation dropped"] = ["seed_collation"],
        ["collation comment added"] = ["seed_collation"],
        ["aggregate dropped"] = ["concat_all"],
        ["aggregate changed"] = ["concat_all"],
        ["text search configuration dropped"] = ["seed_search"],
        ["text search mapping dropped"] = ["seed_search"],
        ["text search mapping changed"] = ["seed_search", "seed_stem"],
        ["text search comment added"] = ["seed_search"],
        ["text search dictionary dropped"] = ["seed_stem"],
        ["rule added"] = ["item_refs"],
        ["rule dropped"] = ["item_refs"],
        ["rule disabled"] = ["item_refs"],
        ["extended statistics dropped"] = ["seed_stats"],
        ["extended statistics target set"] = ["seed_stats"],
        ["publication of all tables added"] = ["publications"],
        ["publication added"] = ["publications"],
        ["publication dropped"] = ["gen_seed_publication"],
        ["publication actions changed"] = ["gen_seed_publication"],
        ["publication table added"] = ["gen_seed_publication"],
        ["column storage changed"] = ["users.email"],
        ["column statistics target set"] = ["users.email"],
        ["replica identity full"] = ["users replica"],
        ["replica identity using an index"] = ["items.code"],
        ["row level security forced"] = ["items rls"],
        ["row level security disabled"] = ["items rls"],
    };

    /// <summary>Each case in the first batch that holds none of its subjects, in the order of the table.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> All { get; } = Build();

    private static List<IReadOnlyList<string>> Build()
    {
        var batches = new List<(List<string> Cases, HashSet<string> Subjects)>();
        foreach (var name in GenerationCases.All.Keys)
        {
            var subjects = Subjects.GetValueOrDefault(name, [name]);
            var alone = subjects.Contains("*");
            var batch = alone ? default : batches.FirstOrDefault(b => !b.Subjects.Contains("*") && !b.Subjects.Overlaps(subjects));
            if (batch.Cases is null)
            {
                batch = ([], []);
                batches.Add(batch);
            }

            batch.Cases.Add(name);
            batch.Subjects.UnionWith(subjects);
        }

        return [.. batches.Select(b => (IReadOnlyList<string>)b.Cases)];
    }
}
