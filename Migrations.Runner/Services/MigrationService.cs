using System.Diagnostics;
using FluentMigrator;
using FluentMigrator.Infrastructure;
using Npgsql;

namespace Migrations.Runner.Services;

public enum MigrationState
{
    Applied,
    Pending,
}

public sealed record MigrationStatusRow(long Version, string Name, string Description, bool Transactional, MigrationState State, DateTime? AppliedOnUtc);

/// <summary>What <c>status</c> reports: every known migration, plus applied versions the assembly does not know.</summary>
public sealed record StatusReport(
    long? Current,
    long Latest,
    IReadOnlyList<MigrationStatusRow> Migrations,
    IReadOnlyList<AppliedMigration> UnknownApplied,
    IReadOnlyList<ChecksumMismatch> ChangedSinceApplied,
    bool VersionTableExists)
{
    public int PendingCount => Migrations.Count(m => m.State == MigrationState.Pending);

    public int AppliedCount => Migrations.Count(m => m.State == MigrationState.Applied);
}

/// <summary>One migration run or reverted.</summary>
public sealed record MigrationStep(MigrationEntry Migration, TimeSpan Elapsed);

public sealed record RunResult(IReadOnlyList<MigrationStep> Steps, long? CurrentVersion, TimeSpan Elapsed);

/// <summary>The SQL one migration would run.</summary>
public sealed record PreviewStep(MigrationEntry Migration, IReadOnlyList<string> Sql);

/// <summary>How a run reports progress and waits for the lock; all optional.</summary>
public sealed record RunOptions
{
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// PostgreSQL lock_timeout of the migration session: a migration that waits longer for a table lock fails (and
    /// rolls back) instead of queueing every other query behind it. Zero disables it. A migration can override it
    /// with <c>SET LOCAL lock_timeout = ...</c>.
    /// </summary>
    public TimeSpan DatabaseLockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>PostgreSQL statement_timeout of the migration session; zero (the default) disables it.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.Zero;

    public Action<LockHolder?, TimeSpan> OnLockWait { get; init; } = (_, _) => { };

    public Action<MigrationStep> OnStep { get; init; } = _ => { };

    /// <summary>Hears what the run did besides migrating (e.g. dropping an INVALID index).</summary>
    public Action<string> OnNote { get; init; } = _ => { };

    /// <summary>Receives FluentMigrator's own log (SQL, timings) with --verbose.</summary>
    public TextWriter? Verbose { get; init; }
}

/// <summary>
/// Applies and reverts migrations through FluentMigrator, one migration per transaction (as each declares), under the
/// migration lock. Plans are computed first and refused as a whole when they would skip or misorder anything.
/// </summary>
public sealed class MigrationService(MigrationSet migrations, string connectionString, RunOptions? options = null)
{
    private readonly RunOptions _options = options ?? new RunOptions();

    /// <summary>Every migration in the assembly, without touching the database.</summary>
    public IReadOnlyList<MigrationEntry> Catalog()
    {
        using var catalog = new MigrationChecksums(migrations);
        return catalog.Entries;
    }

    /// <summary>Applied and pending migrations. Read-only: does not create VersionInfo.</summary>
    public async Task<StatusReport> StatusAsync(CancellationToken cancellationToken = default)
    {
        using var catalog = new MigrationChecksums(migrations);
        await using var connection = await Database.OpenAsync(connectionString, cancellationToken: cancellationToken);
        var applied = await VersionHistory.ReadAsync(connection, cancellationToken);
        var changed = await ChangedSinceAppliedAsync(connection, catalog, applied, cancellationToken);
        return BuildStatus(catalog.Entries, applied, changed, await VersionTableExistsAsync(connection, cancellationToken));
    }

    /// <summary>Applied migrations whose SQL differs from the checksum recorded when they ran.</summary>
    internal static async Task<IReadOnlyList<ChecksumMismatch>> ChangedSinceAppliedAsync(NpgsqlConnection connection, MigrationChecksums catalog, IReadOnlyList<AppliedMigration> applied, CancellationToken cancellationToken = default)
    {
        var stored = await ChecksumStore.ReadAsync(connection, cancellationToken);
        if (stored.Count == 0)
        {
            return [];
        }

        var appliedSet = applied.Select(a => a.Version).ToHashSet();
        return [.. ChecksumStore.Mismatches(catalog.Entries, catalog.Checksums, stored).Where(m => appliedSet.Contains(m.Version))];
    }

    internal static StatusReport BuildStatus(IReadOnlyList<MigrationEntry> catalog, IReadOnlyList<AppliedMigration> applied, IReadOnlyList<ChecksumMismatch> changed, bool tableExists)
    {
        var appliedByVersion = applied.ToDictionary(a => a.Version);
        var rows = catalog
            .Select(m => appliedByVersion.TryGetValue(m.Version, out var a)
                ? new MigrationStatusRow(m.Version, m.Name, m.Description, m.Transactional, MigrationState.Applied, a.AppliedOnUtc)
                : new MigrationStatusRow(m.Version, m.Name, m.Description, m.Transactional, MigrationState.Pending, null))
            .ToList();
        var known = catalog.Select(m => m.Version).ToHashSet();
        return new StatusReport(
            applied.Count == 0 ? null : applied.Max(a => a.Version),
            catalog.Count == 0 ? 0 : catalog.Max(m => m.Version),
            rows,
            [.. applied.Where(a => !known.Contains(a.Version))],
            changed,
            tableExists);
    }

    /// <summary>Applies pending migrations up to <paramref name="target"/> (all when null), in version order.</summary>
    /// <exception cref="RunnerException">Unknown target, out-of-order pending migrations (unless allowed), changed applied migrations, lock timeout, or a failing migration.</exception>
    /// <param name="target">The last version to apply; all when null.</param>
    /// <param name="allowOutOfOrder">Apply pending migrations older than the newest applied one too.</param>
    /// <param name="dropInvalidIndexes">Drop INVALID indexes (left by an interrupted CREATE INDEX CONCURRENTLY) first, instead of refusing.</param>
    /// <param name="cancellationToken">Stops between migrations.</param>
    public Task<RunResult> UpAsync(long? target, bool allowOutOfOrder = false, bool dropInvalidIndexes = false, CancellationToken cancellationToken = default) =>
        UpCoreAsync(m => m.Version <= (target ?? long.MaxValue), target, allowOutOfOrder, dropInvalidIndexes, cancellationToken);

    /// <summary>Applies exactly the given versions (a scratch copy of another database's history), in version order.</summary>
    public Task<RunResult> ApplyVersionsAsync(IReadOnlySet<long> versions, CancellationToken cancellationToken = default) =>
        UpCoreAsync(m => versions.Contains(m.Version), null, allowOutOfOrder: true, dropInvalidIndexes: false, cancellationToken);

    private async Task<RunResult> UpCoreAsync(Func<IMigrationInfo, bool> include, long? target, bool allowOutOfOrder, bool dropInvalidIndexes, CancellationToken cancellationToken)
    {
        var log = new MigrationLog(_options.Verbose);
        using var host = new FluentMigratorHost(migrations, MigrationSessionConnectionString(), logger: log);
        var known = host.Migrations;
        if (target is { } t && !known.ContainsKey(t))
        {
            throw UnknownTarget(t, known);
        }

        await using var migrationLock = await AcquireLockAsync(cancellationToken);
        var runner = host.CreateRunner();
        var applied = await VersionHistory.ReadAsync(migrationLock.Connection, cancellationToken);
        var appliedSet = applied.Select(a => a.Version).ToHashSet();
        var newestApplied = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        var plan = known.Values.Where(m => include(m) && !appliedSet.Contains(m.Version)).ToList();

        var outOfOrder = plan.Where(m => m.Version < newestApplied).ToList();
        if (outOfOrder.Count > 0 && !allowOutOfOrder)
        {
            throw new RunnerException(
                $"pending {Describe(outOfOrder)} older than the newest applied version {newestApplied}: applying it now would run it out of order",
                "check that the branch was merged as intended; rerun with --out-of-order to apply it anyway");
        }

        var bookkeeping = migrationLock.Connection;
        if (plan.Count > 0 && await InvalidIndexes.FindAsync(bookkeeping, cancellationToken) is { Count: > 0 } invalid)
        {
            if (!dropInvalidIndexes)
            {
                throw new RunnerException(
                    $"refusing to migrate: {(invalid.Count == 1 ? "index" : "indexes")} {string.Join(", ", invalid)} {(invalid.Count == 1 ? "is" : "are")} INVALID, left by an interrupted CREATE INDEX CONCURRENTLY (IF NOT EXISTS would keep {(invalid.Count == 1 ? "it" : "them")} as is)",
                    $"run {InvalidIndexes.DropStatements(invalid)} then up again; or rerun with --drop-invalid-indexes");
            }

            foreach (var index in invalid)
            {
                await InvalidIndexes.DropAsync(bookkeeping, index, cancellationToken);
                _options.OnNote($"dropped INVALID index {index}");
            }
        }

        var checksums = MigrationChecksums.Compute(migrations);
        await ChecksumStore.EnsureTableAsync(bookkeeping, cancellationToken);
        var stored = await ChecksumStore.ReadAsync(bookkeeping, cancellationToken);
        var changed = ChecksumStore.Mismatches(host.Entries, checksums, stored).Where(m => appliedSet.Contains(m.Version)).ToList();
        if (changed.Count > 0)
        {
            throw new RunnerException(
                $"refusing to migrate: the SQL of applied migration{(changed.Count == 1 ? "" : "s")} {string.Join(", ", changed.Select(c => $"{c.Version} {c.Name}"))} changed since {(changed.Count == 1 ? "it" : "they")} ran",
                $"restore the migration as it ran and add a new one for the change; or, if the edit changes nothing that matters, accept it with: repair --accept {string.Join(" --accept ", changed.Select(c => c.Version))}");
        }

        // Applied before checksums were kept (or killed between its commit and this bookkeeping): trust on first use.
        foreach (var version in appliedSet.Where(v => checksums.ContainsKey(v) && !stored.ContainsKey(v)))
        {
            await ChecksumStore.RecordAsync(bookkeeping, version, checksums[version], "backfill", cancellationToken);
        }

        // FluentMigrator's [Maintenance] migrations run as its own MigrateUp runs them: each in its own transaction,
        // BeforeAll and AfterAll around the run, BeforeEach and AfterEach around every migration.
        Maintain(runner, MigrationStage.BeforeAll);
        var result = RunAll(
            plan,
            log,
            runner,
            info => runner.ApplyMigrationUp(info, useTransaction: false),
            info => ChecksumStore.RecordSql(info.Version, checksums[info.Version], "up"),
            applied,
            up: true,
            beforeEach: () => Maintain(runner, MigrationStage.BeforeEach),
            afterEach: () => Maintain(runner, MigrationStage.AfterEach));
        Maintain(runner, MigrationStage.AfterAll);
        return result;
    }

    /// <summary>Reverts applied migrations newer than <paramref name="target"/>, newest first (0 reverts all).</summary>
    public async Task<RunResult> DownToAsync(long target, CancellationToken cancellationToken = default)
    {
        var log = new MigrationLog(_options.Verbose);
        using var host = new FluentMigratorHost(migrations, MigrationSessionConnectionString(), logger: log);
        if (target != 0 && !host.Migrations.ContainsKey(target))
        {
            throw UnknownTarget(target, host.Migrations);
        }

        await using var migrationLock = await AcquireLockAsync(cancellationToken);
        var applied = await VersionHistory.ReadAsync(migrationLock.Connection, cancellationToken);
        var toRevert = applied.Where(a => a.Version > target).OrderByDescending(a => a.Version).ToList();
        return await RevertAllAsync(host, log, migrationLock, applied, toRevert, cancellationToken);
    }

    /// <summary>Reverts the newest <paramref name="steps"/> applied migrations.</summary>
    public async Task<RunResult> RollbackAsync(int steps, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var log = new MigrationLog(_options.Verbose);
        using var host = new FluentMigratorHost(migrations, MigrationSessionConnectionString(), logger: log);
        _ = host.Migrations;
        await using var migrationLock = await AcquireLockAsync(cancellationToken);
        var applied = await VersionHistory.ReadAsync(migrationLock.Connection, cancellationToken);
        if (steps > applied.Count)
        {
            throw new RunnerException(
                $"cannot roll back {steps} step{(steps == 1 ? "" : "s")}: only {applied.Count} migration{(applied.Count == 1 ? " is" : "s are")} applied",
                applied.Count == 0 ? "nothing to roll back" : $"use --steps {applied.Count} or down --to 0");
        }

        var toRevert = applied.OrderByDescending(a => a.Version).Take(steps).ToList();
        return await RevertAllAsync(host, log, migrationLock, applied, toRevert, cancellationToken);
    }

    /// <summary>Records the current checksum of applied migrations whose SQL was edited since they ran (Flyway's repair).</summary>
    /// <exception cref="RunnerException">A version is not applied or not known.</exception>
    public async Task<IReadOnlyList<ChecksumMismatch>> AcceptChecksumsAsync(IReadOnlyCollection<long> versions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var catalog = Catalog().ToDictionary(m => m.Version);
        await using var migrationLock = await AcquireLockAsync(cancellationToken);
        var applied = (await VersionHistory.ReadAsync(migrationLock.Connection, cancellationToken)).Select(a => a.Version).ToHashSet();
        var notAccepted = versions.Where(v => !applied.Contains(v) || !catalog.ContainsKey(v)).ToList();
        if (notAccepted.Count > 0)
        {
            throw new RunnerException(
                $"cannot accept {string.Join(", ", notAccepted)}: only applied migrations known to the assembly have checksums",
                "pass versions that 'status' lists as CHANGED", ExitCodes.Usage);
        }

        var current = MigrationChecksums.Compute(migrations);
        await ChecksumStore.EnsureTableAsync(migrationLock.Connection, cancellationToken);
        var stored = await ChecksumStore.ReadAsync(migrationLock.Connection, cancellationToken);
        var accepted = new List<ChecksumMismatch>();
        foreach (var version in versions.Distinct().Order())
        {
            await ChecksumStore.RecordAsync(migrationLock.Connection, version, current[version], "repair", cancellationToken);
            accepted.Add(new ChecksumMismatch(version, catalog[version].Name, stored.TryGetValue(version, out var s) ? s.Checksum : "", current[version]));
        }

        return accepted;
    }

    /// <summary>The SQL that <c>up</c> (to <paramref name="target"/>) would run; executes nothing.</summary>
    public async Task<IReadOnlyList<PreviewStep>> PreviewUpAsync(long? target, CancellationToken cancellationToken = default)
    {
        var log = new MigrationLog(_options.Verbose);
        using var host = new FluentMigratorHost(migrations, connectionString, previewOnly: true, logger: log);
        if (target is { } t && !host.Migrations.ContainsKey(t))
        {
            throw UnknownTarget(t, host.Migrations);
        }

        var applied = (await ReadAppliedAsync(cancellationToken)).Select(a => a.Version).ToHashSet();
        var plan = host.Migrations.Values.Where(m => m.Version <= (target ?? long.MaxValue) && !applied.Contains(m.Version)).ToList();
        return Preview(host, log, plan, (runner, info) => runner.ApplyMigrationUp(info, false));
    }

    /// <summary>The SQL that <c>down --to</c> <paramref name="target"/> would run; executes nothing.</summary>
    public async Task<IReadOnlyList<PreviewStep>> PreviewDownAsync(long target, CancellationToken cancellationToken = default)
    {
        var log = new MigrationLog(_options.Verbose);
        using var host = new FluentMigratorHost(migrations, connectionString, previewOnly: true, logger: log);
        if (target != 0 && !host.Migrations.ContainsKey(target))
        {
            throw UnknownTarget(target, host.Migrations);
        }

        var applied = await ReadAppliedAsync(cancellationToken);
        var toRevert = applied.Where(a => a.Version > target).OrderByDescending(a => a.Version).ToList();
        var plan = Resolve(host, toRevert);
        return Preview(host, log, plan, (runner, info) => runner.ApplyMigrationDown(info, false));
    }

    private static List<PreviewStep> Preview(FluentMigratorHost host, MigrationLog log, List<IMigrationInfo> plan, Action<FluentMigrator.Runner.MigrationRunner, IMigrationInfo> apply)
    {
        var runner = host.CreateRunner();
        var steps = new List<PreviewStep>();
        foreach (var info in plan)
        {
            log.ClearSql();
            apply(runner, info);
            steps.Add(new PreviewStep(FluentMigratorHost.ToEntry(info), log.Sql));
        }

        return steps;
    }

    private async Task<RunResult> RevertAllAsync(FluentMigratorHost host, MigrationLog log, MigrationLock migrationLock, IReadOnlyList<AppliedMigration> applied, List<AppliedMigration> toRevert, CancellationToken cancellationToken)
    {
        var plan = Resolve(host, toRevert);
        var runner = host.CreateRunner();
        await ChecksumStore.EnsureTableAsync(migrationLock.Connection, cancellationToken);
        return RunAll(
            plan,
            log,
            runner,
            info => runner.ApplyMigrationDown(info, useTransaction: false),
            info => ChecksumStore.DeleteSql(info.Version),
            applied,
            up: false);
    }

    // FluentMigrator silently skips applied versions it has no class for; reverting past one would leave its schema behind.
    private List<IMigrationInfo> Resolve(FluentMigratorHost host, List<AppliedMigration> toRevert)
    {
        var unknown = toRevert.Where(a => !host.Migrations.ContainsKey(a.Version)).ToList();
        if (unknown.Count > 0)
        {
            var list = string.Join(", ", unknown.Select(a => $"{a.Version}" + (a.Description is null ? "" : $" ({a.Description})")));
            throw new RunnerException(
                $"refusing to roll back: applied version{(unknown.Count == 1 ? "" : "s")} {list} {(unknown.Count == 1 ? "is" : "are")} not in {migrations.Name}, so {(unknown.Count == 1 ? "its" : "their")} Down cannot run",
                "run the runner built from the code that applied it, or remove the row from VersionInfo once its schema change has been undone by hand");
        }

        return [.. toRevert.Select(a => host.Migrations[a.Version])];
    }

    /// <summary>
    /// Runs each migration with its bookkeeping (VersionInfo row, checksum row) in one transaction, opened here rather
    /// than by FluentMigrator so that the checksum commits with the rest: one commit per migration. Non-transactional
    /// migrations run in autocommit, their bookkeeping after them.
    /// </summary>
    private RunResult RunAll(List<IMigrationInfo> plan, MigrationLog log, FluentMigrator.Runner.MigrationRunner runner, Action<IMigrationInfo> apply, Func<IMigrationInfo, string> bookkeeping, IReadOnlyList<AppliedMigration> appliedBefore, bool up, Action? beforeEach = null, Action? afterEach = null)
    {
        var total = Stopwatch.StartNew();
        var steps = new List<MigrationStep>();
        var current = new SortedSet<long>(appliedBefore.Select(a => a.Version));
        foreach (var info in plan)
        {
            var entry = FluentMigratorHost.ToEntry(info);
            var watch = Stopwatch.StartNew();
            beforeEach?.Invoke();
            log.ClearSql();
            var transactional = info.TransactionBehavior == TransactionBehavior.Default;
            try
            {
                if (transactional)
                {
                    runner.Processor.BeginTransaction();
                }

                apply(info);
                runner.Processor.Execute(bookkeeping(info));
                if (transactional)
                {
                    runner.Processor.CommitTransaction();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var sent = log.Sql.Count == 0 ? null : log.Sql[^1];
                if (transactional)
                {
                    RollBackQuietly(runner);
                }

                throw MigrationFailed(entry, e, up, steps.Count, sent);
            }

            afterEach?.Invoke();
            var step = new MigrationStep(entry, watch.Elapsed);
            steps.Add(step);
            _ = up ? current.Add(info.Version) : current.Remove(info.Version);
            _options.OnStep(step);
        }

        return new RunResult(steps, current.Count == 0 ? null : current.Max, total.Elapsed);
    }

    private static void Maintain(FluentMigrator.Runner.MigrationRunner runner, MigrationStage stage)
    {
        try
        {
            runner.ApplyMaintenance(stage, useAutomaticTransactionManagement: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var pg = SqlErrorExplainer.FindPostgresError(e);
            throw new RunnerException(
                $"[Maintenance({stage})] migration failed: {(pg is null ? Flatten(e) : $"{pg.SqlState} {pg.MessageText}")}",
                "fix the maintenance migration; maintenance runs in its own transaction, which was rolled back",
                ExitCodes.Failure,
                e);
        }
    }

    // The session may be gone (the failure being reported); a failed rollback must not replace the real error.
    private static void RollBackQuietly(FluentMigrator.Runner.MigrationRunner runner)
    {
        try
        {
            runner.Processor.RollbackTransaction();
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or NpgsqlException)
        {
            // Nothing left to roll back: PostgreSQL ended the transaction with the session.
        }
    }

    private RunnerException MigrationFailed(MigrationEntry migration, Exception error, bool up, int doneBefore, string? sentSql)
    {
        var verb = up ? "migration" : "rollback of migration";
        var pg = SqlErrorExplainer.FindPostgresError(error);
        var location = pg is null ? null : SqlErrorExplainer.Locate(migrations.Assemblies, pg, sentSql);
        var reason = pg is not null ? $"{pg.SqlState} {pg.MessageText}" : Flatten(error);
        var where = location is null ? "" : $" ({location.File})";
        var outcome = migration.Transactional
            ? $"its transaction was rolled back: the schema and VersionInfo are as before it{(doneBefore > 0 ? $"; the {doneBefore} migration{(doneBefore == 1 ? "" : "s")} before it stay{(doneBefore == 1 ? "s" : "")} {(up ? "applied" : "reverted")}" : "")}"
            : "it ran without a transaction, so statements before the failing one stay applied and VersionInfo does not record it";
        var advice = migration.Transactional
            ? $"fix the migration (or the data it trips on), then run {(up ? "up" : "the rollback")} again"
            : "make its statements idempotent (IF NOT EXISTS) or undo the partial change, drop any INVALID index it left (the 'validate' verb lists them), then run again";
        return new RunnerException($"{verb} {migration.Version} {migration.Name}{where} failed: {reason}", advice, ExitCodes.Failure, error)
        {
            Details = [.. (pg is null ? [] : SqlErrorExplainer.Details(pg, location)), outcome],
        };
    }

    private static string Flatten(Exception error)
    {
        // FluentMigrator wraps the cause in a generic exception whose message repeats the whole SQL.
        var inner = error;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var first = inner.Message.Split('\n')[0].Trim();
        return first.Length > 300 ? first[..300] + "..." : first;
    }

    // Session settings through the startup packet: they hold for every transaction FluentMigrator opens on it.
    private string MigrationSessionConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.Join(' ', new[]
        {
            builder.Options,
            FormattableString.Invariant($"-c lock_timeout={(long)_options.DatabaseLockTimeout.TotalMilliseconds}"),
            FormattableString.Invariant($"-c statement_timeout={(long)_options.StatementTimeout.TotalMilliseconds}"),
        }.Where(o => !string.IsNullOrEmpty(o)));
        return builder.ConnectionString;
    }

    private async Task<MigrationLock> AcquireLockAsync(CancellationToken cancellationToken) =>
        await MigrationLock.AcquireAsync(connectionString, _options.LockTimeout, _options.OnLockWait, cancellationToken);

    private async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(connectionString, cancellationToken: cancellationToken);
        return await VersionHistory.ReadAsync(connection, cancellationToken);
    }

    private static async Task<bool> VersionTableExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT to_regclass('{VersionHistory.Schema}.\"{VersionHistory.Table}\"') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static RunnerException UnknownTarget(long target, SortedList<long, IMigrationInfo> known) =>
        new($"{target} is not a known migration version (known: {known.Keys[0]}..{known.Keys[^1]}{(known.Count == known.Keys[^1] - known.Keys[0] + 1 ? "" : ", with gaps")})",
            "pass a version listed by 'status', or 0 for none", ExitCodes.Usage);

    private static string Describe(List<IMigrationInfo> migrations) =>
        migrations.Count == 1
            ? $"migration {migrations[0].Version} {FluentMigratorHost.ClassName(migrations[0])} is"
            : $"migrations {string.Join(", ", migrations.Select(m => m.Version))} are";
}
