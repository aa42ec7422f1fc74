using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;

namespace Migrations.Runner.Planning;

/// <summary>What the database's bookkeeping says, as a plan needs it.</summary>
internal sealed record HistoryFacts(
    IReadOnlyList<AppliedMigration> Applied,
    IReadOnlyDictionary<long, StoredChecksum> Stored,
    IReadOnlyList<string> InvalidIndexes,
    bool TablesComplete)
{
    public IReadOnlySet<long> AppliedVersions { get; } = Applied.Select(a => a.Version).ToHashSet();

    public long NewestApplied => Applied.Count == 0 ? 0 : Applied.Max(a => a.Version);

    /// <summary>Whether VersionInfo exists at all (status says when it was not created yet).</summary>
    public bool TableExists { get; init; } = true;

    /// <summary>Objects found outside the system schemas, read only where VersionInfo does not exist.</summary>
    public (int Count, IReadOnlyList<string> First) Unrecorded { get; init; } = (0, []);
}

/// <summary>What <c>up</c> asks for besides the target.</summary>
internal sealed record UpRequest(
    Func<MigrationDefinition, bool> Include, bool AllowOutOfOrder = false, bool DropInvalidIndexes = false, bool IgnoreUnknown = false);

/// <summary>
/// An up run decided before anything is written: the migrations to apply in order, the checksums to record for
/// migrations applied before checksums were kept, the INVALID indexes to drop; or the refusal that stops it.
/// </summary>
internal sealed record UpPlan(
    IReadOnlyList<MigrationDefinition> ToApply,
    IReadOnlyList<long> ChecksumsToBackfill,
    IReadOnlyList<string> IndexesToDrop,
    RunnerError? Refusal);

/// <summary>The guards of <c>up</c>, as pure functions of the catalog, the checksums and the database's bookkeeping.</summary>
internal static class UpPlanner
{
    /// <summary>
    /// Whether an up run would do nothing at all, decided on a read without the lock: nothing pending, no checksum to
    /// record or disagreeing, no maintenance to run, bookkeeping tables complete. Such a run needs no lock and no write.
    /// </summary>
    public static bool IsNoOp(MigrationCatalog catalog, ChecksumSet checksums, HistoryFacts facts, UpRequest request)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(checksums);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(request);
        return facts.TablesComplete
            && (request.IgnoreUnknown || Unknown(catalog, facts).Count == 0)
            && catalog.Maintenance.Count == 0
            && !catalog.Migrations.Values.Any(m => request.Include(m) && !facts.AppliedVersions.Contains(m.Version))
            && Backfill(checksums, facts).Count == 0
            && Changed(catalog, checksums, facts).Count == 0;
    }

    public static UpPlan Plan(MigrationCatalog catalog, ChecksumSet checksums, HistoryFacts facts, UpRequest request)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(checksums);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(request);
        var toApply = catalog.Migrations.Values.Where(m => request.Include(m) && !facts.AppliedVersions.Contains(m.Version)).ToList();
        var backfill = Backfill(checksums, facts);
        var drop = toApply.Count > 0 && request.DropInvalidIndexes ? facts.InvalidIndexes : [];
        return new UpPlan(toApply, backfill, drop, Refusal(catalog, checksums, facts, request, toApply));
    }

    private static RunnerError? Refusal(
        MigrationCatalog catalog, ChecksumSet checksums, HistoryFacts facts, UpRequest request, List<MigrationDefinition> toApply)
    {
        // Flyway refuses a non-empty schema without history too: running 1..N over a hand-built database works only
        // where every migration happens to be idempotent.
        if (!facts.TableExists && facts.Unrecorded.Count > 0 && toApply.Count > 0)
        {
            return new UnrecordedSchema(facts.Unrecorded.Count, facts.Unrecorded.First);
        }

        // As Flyway's validateOnMigrate: a version applied by code this build lacks means the schema holds a change it
        // knows nothing of, so neither what it would apply nor "up to date" can be trusted.
        if (!request.IgnoreUnknown && Unknown(catalog, facts) is { Count: > 0 } unknown)
        {
            return new UnknownAppliedRefused(unknown);
        }

        var outOfOrder = toApply.Where(m => m.Version < facts.NewestApplied).ToList();
        if (outOfOrder.Count > 0 && !request.AllowOutOfOrder)
        {
            return new OutOfOrderPending([.. outOfOrder.Select(m => m.Entry)], facts.NewestApplied);
        }

        if (toApply.FirstOrDefault(m => m.BreakingChange) is { } breaking)
        {
            return new BreakingChangeRefused(breaking.Entry);
        }

        if (toApply.FirstOrDefault(m => checksums.BuildFailures.ContainsKey(m.Version)) is { } unbuildable)
        {
            var failure = checksums.BuildFailures[unbuildable.Version];
            return new MigrationCannotBeBuilt(
                unbuildable.Entry,
                failure.GetType().Name,
                SqlErrorLocator.Flatten(failure),
                NotWritten: failure is NotImplementedException);
        }

        if (toApply.Count > 0 && facts.InvalidIndexes.Count > 0 && !request.DropInvalidIndexes)
        {
            return new InvalidIndexesPresent(facts.InvalidIndexes);
        }

        var changed = Changed(catalog, checksums, facts);
        return changed.Count > 0 ? new ChecksumsChanged(changed) : null;
    }

    /// <summary>Applied migrations whose current checksum differs from the recorded one.</summary>
    public static IReadOnlyList<ChecksumMismatch> Changed(MigrationCatalog catalog, ChecksumSet checksums, HistoryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(checksums);
        ArgumentNullException.ThrowIfNull(facts);
        return ChecksumStore.Mismatches(catalog.Entries, checksums.Checksums, facts.Stored, facts.AppliedVersions);
    }

    private static List<AppliedMigration> Unknown(MigrationCatalog catalog, HistoryFacts facts) =>
        [.. facts.Applied.Where(a => !catalog.Migrations.ContainsKey(a.Version))];

    // Applied before checksums were kept (or killed between its commit and this bookkeeping): trust on first use.
    private static List<long> Backfill(ChecksumSet checksums, HistoryFacts facts) =>
        [.. facts.AppliedVersions.Where(v => checksums.Checksums.ContainsKey(v) && !facts.Stored.ContainsKey(v)).Order()];
}
