using System.Diagnostics;
using FluentMigrator;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Planning;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>What a run did: each migration applied or reverted, and the version the database is at after it.</summary>
public sealed record RunResult(IReadOnlyList<MigrationStep> Steps, long? CurrentVersion, TimeSpan Elapsed);

/// <summary>
/// Applies and reverts migrations: plans from the catalog and the bookkeeping (refused as a whole when a guard
/// objects, before anything is written), then runs the plan through the <see cref="Pipeline"/> on one migration
/// session that holds the lock.
/// </summary>
/// <param name="set">
/// The set, loaded when first asked for: <see cref="UpAsync"/> opens its first connection while the calling thread loads
/// and scans it.
/// </param>
/// <param name="connectionString">The database to migrate.</param>
/// <param name="options">Timeouts, retries and what to report as the run goes.</param>
public sealed class MigrationService(Lazy<MigrationSet> set, string connectionString, RunOptions? options = null)
{
    private readonly RunOptions _options = options ?? new RunOptions();

    public MigrationService(MigrationSet migrations, string connectionString, RunOptions? options = null)
        : this(new Lazy<MigrationSet>(() => migrations), connectionString, options)
    {
    }

    private MigrationSet Set => set.Value;

    /// <summary>Every migration in the set, without touching the database.</summary>
    public IReadOnlyList<MigrationEntry> Catalog() => Set.Entries;

    /// <summary>Applies pending migrations up to <paramref name="target"/> (all when null), in version order.</summary>
    /// <param name="target">The last version to apply; all when null.</param>
    /// <param name="allowOutOfOrder">Apply pending migrations older than the newest applied one too.</param>
    /// <param name="dropInvalidIndexes">
    /// Drop INVALID indexes (left by an interrupted CREATE INDEX CONCURRENTLY) first, instead of refusing.
    /// </param>
    /// <param name="ignoreUnknown">Migrate even though VersionInfo records versions the assembly does not have.</param>
    /// <param name="cancellationToken">Stops between Set.</param>
    /// <exception cref="RunnerErrorException">A refusal of the plan, the lock's timeout, or a failing migration.</exception>
    public Task<RunResult> UpAsync(
        long? target,
        bool allowOutOfOrder = false,
        bool dropInvalidIndexes = false,
        bool ignoreUnknown = false,
        CancellationToken cancellationToken = default) =>
        UpCoreAsync(
            new UpRequest(m => m.Version <= (target ?? long.MaxValue), allowOutOfOrder, dropInvalidIndexes, ignoreUnknown),
            target,
            cancellationToken);

    /// <summary>Applies exactly the given versions (a scratch copy of another database's history), in version order.</summary>
    public Task<RunResult> ApplyVersionsAsync(IReadOnlySet<long> versions, CancellationToken cancellationToken = default) =>
        UpCoreAsync(
            new UpRequest(m => versions.Contains(m.Version), AllowOutOfOrder: true, EvaluateConstraints: false), null, cancellationToken);

    /// <summary>Reverts applied migrations newer than <paramref name="target"/>, newest first (0 reverts all).</summary>
    public async Task<RunResult> DownToAsync(long target, CancellationToken cancellationToken = default)
    {
        var (session, _) = await RunState.WhileConnectingAsync(
            () => MigrationSession.OpenAsync(connectionString, _options.Session, cancellationToken),
            () =>
            {
                Set.Catalog.RequireTarget(target, zeroAllowed: true);
                return true;
            });
        await using var owned = session;
        var applied = await ReadAppliedAsync(session.Connection, cancellationToken);
        return Revert(session, applied, DownPlanner.To(Set.Catalog, applied, target), profiles: true, cancellationToken);
    }

    /// <summary>Reverts the newest <paramref name="steps"/> applied Set.</summary>
    public async Task<RunResult> RollbackAsync(int steps, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var (session, catalog) = await RunState.WhileConnectingAsync(
            () => MigrationSession.OpenAsync(connectionString, _options.Session, cancellationToken), () => Set.Catalog);
        await using var owned = session;
        var applied = await ReadAppliedAsync(session.Connection, cancellationToken);
        return Revert(session, applied, DownPlanner.Steps(catalog, applied, steps), profiles: false, cancellationToken);
    }

    private async Task<RunResult> UpCoreAsync(UpRequest request, long? target, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var (found, checksums) = await RunState.WhileConnectingAsync(() => ReadWithoutLockAsync(cancellationToken), () =>
        {
            if (target is { } t)
            {
                Set.Catalog.RequireTarget(t, zeroAllowed: false);
            }

            return MigrationChecksums.ComputeAll(Set);
        });

        // Most runs of up in a pipeline find nothing to do: that needs no lock, no write and no migration session.
        var catalog = Set.Catalog;
        if (UpPlanner.IsNoOp(catalog, checksums, found, request))
        {
            return new RunResult([], Newest(found.AppliedVersions), total.Elapsed);
        }

        await using var session = await MigrationSession.OpenAsync(connectionString, _options.Session, cancellationToken);
        var connection = session.Connection;
        var facts = await RunState.ReadAsync(connection, Set.VersionTable, withInvalidIndexes: true, cancellationToken);
        if (!facts.TableExists)
        {
            facts = facts with { Unrecorded = await RunState.UnrecordedObjectsAsync(connection, cancellationToken) };
        }

        var plan = UpPlanner.Plan(catalog, checksums, facts, request);
        if (plan.Refusal is { } refusal)
        {
            throw new RunnerErrorException(refusal);
        }

        await VersionHistory.EnsureTablesAsync(connection, Set.VersionTable, cancellationToken);

        foreach (var index in plan.IndexesToDrop)
        {
            await InvalidIndexes.DropAsync(connection, index, cancellationToken);
            _options.OnNote(new InvalidIndexDropped(index));
        }

        foreach (var version in plan.ChecksumsToBackfill)
        {
            await ChecksumStore.RecordAsync(connection, version, checksums.Checksums[version], "backfill", cancellationToken);
        }

        var pipeline = NewPipeline(session);
        // FluentMigrator's [Maintenance] migrations run as its own MigrateUp runs them: each in its own transaction,
        // BeforeAll and AfterAll around the run, BeforeEach and AfterEach around every migration.
        pipeline.Maintain(MigrationStage.BeforeAll);
        var table = Set.VersionTable;
        var steps = pipeline.Run(plan.ToApply, up: true, m => Bookkeeping.Applied(m, checksums.Checksums, table), cancellationToken);
        pipeline.Maintain(MigrationStage.BeforeProfiles);
        pipeline.ApplyProfiles();
        pipeline.Maintain(MigrationStage.AfterAll);
        return Result(facts.AppliedVersions, steps, up: true, total);
    }

    private async Task<HistoryFacts> ReadWithoutLockAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken);
        return await RunState.ReadAsync(connection, () => Set.VersionTable, withInvalidIndexes: false, cancellationToken);
    }

    // VersionInfo as found, then created when missing: a revert's bookkeeping writes to it.
    private async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = await VersionHistory.ReadAsync(connection, Set.VersionTable, cancellationToken);
        await VersionHistory.EnsureTablesAsync(connection, Set.VersionTable, cancellationToken);
        return applied;
    }

    // FluentMigrator's MigrateDown applies the profile after reverting; its Rollback does not.
    private RunResult Revert(
        MigrationSession session,
        IReadOnlyList<AppliedMigration> applied,
        DownPlan plan,
        bool profiles,
        CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        if (plan.Refusal is { } refusal)
        {
            throw new RunnerErrorException(
                refusal is UnknownAppliedVersions unknown ? unknown with { SetName = Set.Name } : refusal);
        }

        var pipeline = NewPipeline(session);
        var steps = pipeline.Run(plan.ToRevert, up: false, m => Bookkeeping.Reverted(m, Set.VersionTable), cancellationToken);
        if (profiles)
        {
            pipeline.ApplyProfiles();
        }

        return Result(applied.Select(a => a.Version).ToHashSet(), steps, up: false, total);
    }

    private Pipeline NewPipeline(MigrationSession session) =>
        new(
            new NpgsqlChannel(session.Connection),
            Set.Catalog,
            Set.Assemblies,
            new PipelineObserver(
                _options.OnStep,
                _options.Verbose,
                _options.LockRetries,
                _options.OnLockRetry,
                m => _options.OnStarting?.Invoke(m, session.Connection.ProcessID)),
            session.ResetSql,
            connectionString);

    private static RunResult Result(IReadOnlySet<long> before, IReadOnlyList<MigrationStep> steps, bool up, Stopwatch total)
    {
        var current = new SortedSet<long>(before);
        foreach (var step in steps)
        {
            _ = up ? current.Add(step.Migration.Version) : current.Remove(step.Migration.Version);
        }

        return new RunResult(steps, current.Count == 0 ? null : current.Max, total.Elapsed);
    }

    private static long? Newest(IReadOnlySet<long> versions) => versions.Count == 0 ? null : versions.Max();
}
