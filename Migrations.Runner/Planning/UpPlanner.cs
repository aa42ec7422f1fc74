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
/// <param name="Include">Which migrations the run may apply (a target, or a scratch copy's exact versions).</param>
/// <param name="AllowOutOfOrder">Apply pending migrations older than the newest applied one too.</param>
/// <param name="DropInvalidIndexes">Drop INVALID indexes first instead of refusing.</param>
/// <param name="IgnoreUnknown">Migrate though VersionInfo records versions the set does not have.</param>
/// <param name="EvaluateConstraints">Hold back migrations whose [MigrationConstraint] says no (off for a scratch replay).</param>
internal sealed record UpRequest(
    Func<MigrationDefinition, bool> Include,
    bool AllowOutOfOrder = false,
    bool DropInvalidIndexes = false,
    bool IgnoreUnknown = false,
    bool EvaluateConstraints = true);

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
            && !catalog.RunsEveryTime
            && ConstraintGate.Pending(catalog, facts, request).Count == 0
            && Backfill(checksums, facts).Count == 0
            && Changed(catalog, checksums, facts).Count == 0;
    }

    public static UpPlan Plan(MigrationCatalog catalog, ChecksumSet checksums, HistoryFacts facts, UpRequest request)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(checksums);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(request);
        var toApply = ConstraintGate.Pending(catalog, facts, request);
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

        // A migration a constraint held back until a later version was applied is late by design, as under FluentMigrator.
        var outOfOrder = toApply.Where(m => m.Version < facts.NewestApplied && m.Constraints.Count == 0).ToList();
        if (outOfOrder.Count > 0 && !request.AllowOutOfOrder)
        {
            return new OutOfOrderPending([.. outOfOrder.Select(m => m.Entry)], facts.NewestApplied);
        }

        if (!catalog.Context.Selection.AllowBreakingChanges && toApply.FirstOrDefault(m => m.BreakingChange) is { } breaking)
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

    // A version the selection leaves out (another tag, another namespace) is the assembly's own, not unknown.
    private static List<AppliedMigration> Unknown(MigrationCatalog catalog, HistoryFacts facts) =>
        [.. facts.Applied.Where(a => !catalog.Migrations.ContainsKey(a.Version) && !catalog.Excluded.Contains(a.Version))];

    // Applied before checksums were kept (or killed between its commit and this bookkeeping): trust on first use.
    private static List<long> Backfill(ChecksumSet checksums, HistoryFacts facts) =>
        [.. facts.AppliedVersions.Where(v => checksums.Checksums.ContainsKey(v) && !facts.Stored.ContainsKey(v)).Order()];
}
