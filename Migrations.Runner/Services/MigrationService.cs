using System.Diagnostics;
using FluentMigrator;
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

    /// <summary>Receives every statement sent, with --verbose.</summary>
    public TextWriter? Verbose { get; init; }
}

/// <summary>
/// Applies and reverts migrations written with FluentMigrator, one migration per transaction (as each declares), on
/// one connection that also holds the migration lock. Plans are computed first and refused as a whole when they would
/// skip or misorder anything.
/// </summary>
public sealed class MigrationService(MigrationSet migrations, string connectionString, RunOptions? options = null)
{
    private readonly RunOptions _options = options ?? new RunOptions();

    private MigrationSet Migrations => migrations;

    /// <summary>Every migration in the assembly, without touching the database.</summary>
    public IReadOnlyList<MigrationEntry> Catalog() => migrations.Catalog.Entries;

    /// <summary>Applied and pending migrations. Read-only: does not create VersionInfo.</summary>
    public async Task<StatusReport> StatusAsync(CancellationToken cancellationToken = default)
    {
        var (state, checksums) = await WhileConnectingAsync(() => ReadStateAsync(cancellationToken), () => MigrationChecksums.Compute(migrations));
        return BuildStatus(migrations.Catalog.Entries, state.History.Applied, state.Changed(migrations.Catalog.Entries, checksums), state.History.TableExists);
    }

    /// <summary>Applied migrations whose SQL differs from the checksum recorded when they ran.</summary>
    internal static async Task<IReadOnlyList<ChecksumMismatch>> ChangedSinceAppliedAsync(NpgsqlConnection connection, MigrationSet set, IReadOnlyList<AppliedMigration> applied, CancellationToken cancellationToken = default)
    {
        var stored = await ChecksumStore.ReadAsync(connection, cancellationToken);
        if (stored.Count == 0)
        {
            return [];
        }

        return ChecksumStore.Mismatches(set.Catalog.Entries, MigrationChecksums.Compute(set), stored, applied.Select(a => a.Version).ToHashSet());
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

    private async Task<RunResult> UpCoreAsync(Func<MigrationDefinition, bool> include, long? target, bool allowOutOfOrder, bool dropInvalidIndexes, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var (state, checksums) = await WhileConnectingAsync(() => ReadStateAsync(cancellationToken), () =>
        {
            if (target is { } t && !migrations.Catalog.Migrations.ContainsKey(t))
            {
                throw UnknownTarget(t, migrations.Catalog.Migrations);
            }

            return MigrationChecksums.Compute(migrations);
        });

        // Most runs of up in a pipeline find nothing to do: that needs no lock, no write and no migration session.
        var appliedBefore = state.History.Applied.Select(a => a.Version).ToHashSet();
        if (state.TablesComplete
            && migrations.Catalog.Maintenance.Count == 0
            && !migrations.Catalog.Migrations.Values.Any(m => include(m) && !appliedBefore.Contains(m.Version))
            && appliedBefore.All(v => !checksums.ContainsKey(v) || state.Stored.ContainsKey(v))
            && state.Changed(migrations.Catalog.Entries, checksums).Count == 0)
        {
            return new RunResult([], appliedBefore.Count == 0 ? null : appliedBefore.Max(), total.Elapsed);
        }

        await using var session = await OpenSessionAsync(forUp: true, cancellationToken);
        var known = migrations.Catalog.Migrations;
        var connection = session.Connection;
        var applied = session.Applied;
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

        if (plan.FirstOrDefault(m => m.BreakingChange) is { } breaking)
        {
            throw new RunnerException(
                $"refusing to migrate: migration {breaking.Version} {breaking.Name} is marked BreakingChange, which FluentMigrator runs only when breaking changes are allowed",
                "apply it by hand after review, or remove BreakingChange from its [Migration] attribute once the change is coordinated");
        }

        if (plan.Count > 0 && session.InvalidIndexes is { Count: > 0 } invalid)
        {
            if (!dropInvalidIndexes)
            {
                throw new RunnerException(
                    $"refusing to migrate: {(invalid.Count == 1 ? "index" : "indexes")} {string.Join(", ", invalid)} {(invalid.Count == 1 ? "is" : "are")} INVALID, left by an interrupted CREATE INDEX CONCURRENTLY (IF NOT EXISTS would keep {(invalid.Count == 1 ? "it" : "them")} as is)",
                    $"run {InvalidIndexes.DropStatements(invalid)} then up again; or rerun with --drop-invalid-indexes");
            }

            foreach (var index in invalid)
            {
                await InvalidIndexes.DropAsync(connection, index, cancellationToken);
                _options.OnNote($"dropped INVALID index {index}");
            }
        }

        var stored = session.Stored;
        var changed = ChecksumStore.Mismatches(migrations.Catalog.Entries, checksums, stored, appliedSet);
        if (changed.Count > 0)
        {
            throw new RunnerException(
                $"refusing to migrate: the SQL of applied migration{(changed.Count == 1 ? "" : "s")} {string.Join(", ", changed.Select(c => $"{c.Version} {c.Name}"))} changed since {(changed.Count == 1 ? "it" : "they")} ran",
                $"restore the migration as it ran and add a new one for the change; or, if the edit changes nothing that matters, accept it with: repair --accept {string.Join(" --accept ", changed.Select(c => c.Version))}");
        }

        // Applied before checksums were kept (or killed between its commit and this bookkeeping): trust on first use.
        foreach (var version in appliedSet.Where(v => checksums.ContainsKey(v) && !stored.ContainsKey(v)))
        {
            await ChecksumStore.RecordAsync(connection, version, checksums[version], "backfill", cancellationToken);
        }

        var run = new Run(this, connection);
        // FluentMigrator's [Maintenance] migrations run as its own MigrateUp runs them: each in its own transaction,
        // BeforeAll and AfterAll around the run, BeforeEach and AfterEach around every migration.
        run.Maintain(MigrationStage.BeforeAll);
        var result = run.All(plan, up: true, applied, migration => Bookkeeping.Applied(migration, checksums), cancellationToken);
        run.Maintain(MigrationStage.AfterAll);
        return result;
    }

    /// <summary>Reverts applied migrations newer than <paramref name="target"/>, newest first (0 reverts all).</summary>
    public async Task<RunResult> DownToAsync(long target, CancellationToken cancellationToken = default)
    {
        var (session, _) = await WhileConnectingAsync(() => OpenSessionAsync(forUp: false, cancellationToken), () =>
            target == 0 || migrations.Catalog.Migrations.ContainsKey(target) ? true : throw UnknownTarget(target, migrations.Catalog.Migrations));
        await using var lockSession = session;
        var toRevert = session.Applied.Where(a => a.Version > target).OrderByDescending(a => a.Version).ToList();
        return RevertAll(session, toRevert, cancellationToken);
    }

    /// <summary>Reverts the newest <paramref name="steps"/> applied migrations.</summary>
    public async Task<RunResult> RollbackAsync(int steps, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var (session, _) = await WhileConnectingAsync(() => OpenSessionAsync(forUp: false, cancellationToken), () => migrations.Catalog);
        await using var lockSession = session;
        var applied = session.Applied;
        if (steps > applied.Count)
        {
            throw new RunnerException(
                $"cannot roll back {steps} step{(steps == 1 ? "" : "s")}: only {applied.Count} migration{(applied.Count == 1 ? " is" : "s are")} applied",
                applied.Count == 0 ? "nothing to roll back" : $"use --steps {applied.Count} or down --to 0");
        }

        var toRevert = applied.OrderByDescending(a => a.Version).Take(steps).ToList();
        return RevertAll(session, toRevert, cancellationToken);
    }

    /// <summary>Records the current checksum of applied migrations whose SQL was edited since they ran (Flyway's repair).</summary>
    /// <exception cref="RunnerException">A version is not applied or not known.</exception>
    public async Task<IReadOnlyList<ChecksumMismatch>> AcceptChecksumsAsync(IReadOnlyCollection<long> versions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var catalog = migrations.Catalog.Migrations;
        await using var session = await AcquireLockAsync(cancellationToken);
        var applied = (await VersionHistory.ReadAsync(session.Connection, cancellationToken)).Select(a => a.Version).ToHashSet();
        var notAccepted = versions.Where(v => !applied.Contains(v) || !catalog.ContainsKey(v)).ToList();
        if (notAccepted.Count > 0)
        {
            throw new RunnerException(
                $"cannot accept {string.Join(", ", notAccepted)}: only applied migrations known to the assembly have checksums",
                "pass versions that 'status' lists as CHANGED", ExitCodes.Usage);
        }

        var current = MigrationChecksums.Compute(migrations);
        await VersionHistory.EnsureTablesAsync(session.Connection, cancellationToken);
        var stored = await ChecksumStore.ReadAsync(session.Connection, cancellationToken);
        var accepted = new List<ChecksumMismatch>();
        foreach (var version in versions.Distinct().Order())
        {
            await ChecksumStore.RecordAsync(session.Connection, version, current[version], "repair", cancellationToken);
            accepted.Add(new ChecksumMismatch(version, catalog[version].Name, stored.TryGetValue(version, out var s) ? s.Checksum : "", current[version]));
        }

        return accepted;
    }

    /// <summary>The SQL that <c>up</c> (to <paramref name="target"/>) would run; executes nothing.</summary>
    public async Task<IReadOnlyList<PreviewStep>> PreviewUpAsync(long? target, CancellationToken cancellationToken = default)
    {
        var known = migrations.Catalog.Migrations;
        if (target is { } t && !known.ContainsKey(t))
        {
            throw UnknownTarget(t, known);
        }

        await using var connection = await Database.OpenAsync(connectionString, pooling: false, cancellationToken);
        var applied = (await VersionHistory.ReadAsync(connection, cancellationToken)).Select(a => a.Version).ToHashSet();
        var plan = known.Values.Where(m => m.Version <= (target ?? long.MaxValue) && !applied.Contains(m.Version)).ToList();
        var checksums = MigrationChecksums.Compute(migrations);
        return Preview(connection, plan, up: true, m => Bookkeeping.Applied(m, checksums));
    }

    /// <summary>The SQL that <c>down --to</c> <paramref name="target"/> would run; executes nothing.</summary>
    public async Task<IReadOnlyList<PreviewStep>> PreviewDownAsync(long target, CancellationToken cancellationToken = default)
    {
        var known = migrations.Catalog.Migrations;
        if (target != 0 && !known.ContainsKey(target))
        {
            throw UnknownTarget(target, known);
        }

        await using var connection = await Database.OpenAsync(connectionString, pooling: false, cancellationToken);
        var applied = await VersionHistory.ReadAsync(connection, cancellationToken);
        var plan = Resolve(applied.Where(a => a.Version > target).OrderByDescending(a => a.Version).ToList());
        return Preview(connection, plan, up: false, Bookkeeping.Reverted);
    }

    private List<PreviewStep> Preview(NpgsqlConnection connection, List<MigrationDefinition> plan, bool up, Func<MigrationDefinition, Bookkeeping> bookkeeping)
    {
        var engine = new MigrationEngine(migrations.Catalog);
        var processor = SqlProcessor.Collecting(connection, _options.Verbose);
        var steps = new List<PreviewStep>();
        foreach (var migration in plan)
        {
            processor.Clear();
            engine.Apply(migration.Create(), up, processor);
            bookkeeping(migration).Write(processor);
            steps.Add(new PreviewStep(migration.Entry, [.. processor.Statements]));
        }

        return steps;
    }

    private RunResult RevertAll(Session session, List<AppliedMigration> toRevert, CancellationToken cancellationToken) =>
        new Run(this, session.Connection).All(Resolve(toRevert), up: false, session.Applied, Bookkeeping.Reverted, cancellationToken);

    // An applied version without its class cannot be reverted: its Down is gone, and skipping it would leave its schema behind.
    private List<MigrationDefinition> Resolve(List<AppliedMigration> toRevert)
    {
        var known = migrations.Catalog.Migrations;
        var unknown = toRevert.Where(a => !known.ContainsKey(a.Version)).ToList();
        if (unknown.Count > 0)
        {
            var list = string.Join(", ", unknown.Select(a => $"{a.Version}" + (a.Description is null ? "" : $" ({a.Description})")));
            throw new RunnerException(
                $"refusing to roll back: applied version{(unknown.Count == 1 ? "" : "s")} {list} {(unknown.Count == 1 ? "is" : "are")} not in {migrations.Name}, so {(unknown.Count == 1 ? "its" : "their")} Down cannot run",
                "run the runner built from the code that applied it, or remove the row from VersionInfo once its schema change has been undone by hand");
        }

        return [.. toRevert.Select(a => known[a.Version])];
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
        var inner = error;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var first = inner.Message.Split('\n')[0].Trim();
        return first.Length > 300 ? first[..300] + "..." : first;
    }

    // Session settings through the startup packet: they hold for every transaction on the session.
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

    /// <summary>
    /// Runs <paramref name="work"/> (scanning and hashing the migrations: CPU) while another thread opens the
    /// connection (mostly Npgsql's first use: CPU and a few round trips), so a short run pays for the longer of the two,
    /// not both. When the work fails, the connection is closed and the work's error is the one reported.
    /// </summary>
    private static async Task<(TConnected Connected, TWork Work)> WhileConnectingAsync<TConnected, TWork>(Func<Task<TConnected>> connect, Func<TWork> work)
    {
        var connecting = Task.Run(connect);
        TWork result;
        try
        {
            result = work();
        }
        catch
        {
            _ = connecting.ContinueWith(
                async t =>
                {
                    if (t.IsCompletedSuccessfully && t.Result is IAsyncDisposable opened)
                    {
                        await opened.DisposeAsync();
                    }
                },
                TaskScheduler.Default);
            throw;
        }

        return (await connecting, result);
    }

    /// <summary>What the bookkeeping says, read without the lock on a catalog connection.</summary>
    private async Task<ReadState> ReadStateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken);
        var history = await VersionHistory.ReadHistoryAsync(connection, cancellationToken);
        return new ReadState(history, await ChecksumStore.ReadAsync(connection, cancellationToken), await VersionHistory.TablesCompleteAsync(connection, cancellationToken));
    }

    private sealed record ReadState(VersionHistoryState History, IReadOnlyDictionary<long, StoredChecksum> Stored, bool TablesComplete)
    {
        /// <summary>Applied migrations whose current checksum differs from the recorded one.</summary>
        public IReadOnlyList<ChecksumMismatch> Changed(IReadOnlyList<MigrationEntry> catalog, IReadOnlyDictionary<long, string> checksums) =>
            ChecksumStore.Mismatches(catalog, checksums, Stored, History.Applied.Select(a => a.Version).ToHashSet());
    }

    /// <summary>
    /// The migration lock's session, with what a run reads before deciding anything: VersionInfo (created when missing,
    /// after it was read as found), and for up the stored checksums and INVALID indexes.
    /// </summary>
    private async Task<Session> OpenSessionAsync(bool forUp, CancellationToken cancellationToken)
    {
        var migrationLock = await AcquireLockAsync(cancellationToken);
        try
        {
            var connection = migrationLock.Connection;
            await WatchForClientLossAsync(connection, cancellationToken);
            var applied = await VersionHistory.ReadAsync(connection, cancellationToken);
            await VersionHistory.EnsureTablesAsync(connection, cancellationToken);
            return forUp
                ? new Session(migrationLock, applied, await ChecksumStore.ReadAsync(connection, cancellationToken), await InvalidIndexes.FindAsync(connection, cancellationToken))
                : new Session(migrationLock, applied, new Dictionary<long, StoredChecksum>(), []);
        }
        catch
        {
            await migrationLock.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A batch's COMMITs reach the server with its statements, so a runner killed mid-batch would leave the server to
    /// run the batch out on its own. With this the server checks every second, even inside a statement, that the
    /// runner is still there, and otherwise rolls back the migration in flight and ends the session (PostgreSQL 14 and
    /// later; older servers run the batch out, each migration still whole).
    /// </summary>
    private static async Task WatchForClientLossAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (connection.PostgreSqlVersion.Major >= 14)
        {
            await using var command = new NpgsqlCommand("SET client_connection_check_interval = 1000", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed record Session(MigrationLock Lock, IReadOnlyList<AppliedMigration> Applied, IReadOnlyDictionary<long, StoredChecksum> Stored, IReadOnlyList<string> InvalidIndexes) : IAsyncDisposable
    {
        public NpgsqlConnection Connection => Lock.Connection;

        public ValueTask DisposeAsync() => Lock.DisposeAsync();
    }

    // The lock's session is the migration session: one connection for the whole run.
    private async Task<MigrationLock> AcquireLockAsync(CancellationToken cancellationToken) =>
        await MigrationLock.AcquireAsync(MigrationSessionConnectionString(), _options.LockTimeout, _options.OnLockWait, cancellationToken);

    private static RunnerException UnknownTarget(long target, SortedList<long, MigrationDefinition> known) =>
        new($"{target} is not a known migration version (known: {known.Keys[0]}..{known.Keys[^1]}{(known.Count == known.Keys[^1] - known.Keys[0] + 1 ? "" : ", with gaps")})",
            "pass a version listed by 'status', or 0 for none", ExitCodes.Usage);

    private static string Describe(List<MigrationDefinition> migrations) =>
        migrations.Count == 1
            ? $"migration {migrations[0].Version} {migrations[0].Name} is"
            : $"migrations {string.Join(", ", migrations.Select(m => m.Version))} are";

    /// <summary>
    /// One run of migrations over the session's connection. Transactional migrations are pipelined: the statements of
    /// several, each migration inside its own BEGIN and COMMIT with its bookkeeping, go to the server as one command,
    /// and a marker row after each COMMIT reports it with its time on the server. PostgreSQL skips everything after a
    /// failing statement up to the command's end, so the migrations after a failure never start, exactly as if they
    /// had been sent one by one. The pipeline is drained first whenever a migration asks about the schema, runs C#
    /// against the connection, or runs without a transaction, so each still sees the database as every earlier
    /// migration left it. Batches double from one migration: the first lines of a run print as soon as they land,
    /// and a long run costs a handful of round trips, not one or more per migration. While the server runs one batch,
    /// this thread builds the next.
    /// </summary>
    private sealed class Run
    {
        private const int LargestBatch = 256;
        private const string LandedColumn = "migrations_runner_landed";

        private readonly MigrationService _service;
        private readonly NpgsqlConnection _connection;
        private readonly MigrationEngine _engine;
        private readonly SqlProcessor _processor;
        private readonly List<(MigrationDefinition Migration, string Script)> _pipeline = [];
        private readonly bool _maintainEach;
        private List<MigrationStep> _steps = [];
        private Stopwatch _sinceLastStep = new();
        private bool _up;
        private int _batch = 1;
        private Task? _inFlight;

        public Run(MigrationService service, NpgsqlConnection connection)
        {
            _service = service;
            _connection = connection;
            _engine = new MigrationEngine(service.Migrations.Catalog);
            _processor = SqlProcessor.Executing(connection, service._options.Verbose);
            _processor.BeforeQuestion = Drain;
            var maintenance = service.Migrations.Catalog.Maintenance;
            _maintainEach = maintenance.ContainsKey(MigrationStage.BeforeEach) || maintenance.ContainsKey(MigrationStage.AfterEach);
        }

        /// <summary>Runs each migration with its bookkeeping in one transaction; non-transactional ones in autocommit, their bookkeeping after them.</summary>
        public RunResult All(List<MigrationDefinition> plan, bool up, IReadOnlyList<AppliedMigration> appliedBefore, Func<MigrationDefinition, Bookkeeping> bookkeeping, CancellationToken cancellationToken)
        {
            var total = Stopwatch.StartNew();
            _steps = [];
            _up = up;
            _sinceLastStep = Stopwatch.StartNew();
            try
            {
                foreach (var migration in plan)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    RunOne(migration, bookkeeping);
                }

                Drain();
            }
            catch when (_inFlight is not null)
            {
                // Nothing may use the connection once the run is over; a failure already sent is the one to report.
                Settle();
                throw;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var current = new SortedSet<long>(appliedBefore.Select(a => a.Version));
            foreach (var step in _steps)
            {
                _ = up ? current.Add(step.Migration.Version) : current.Remove(step.Migration.Version);
            }

            return new RunResult(_steps, current.Count == 0 ? null : current.Max, total.Elapsed);
        }

        private void RunOne(MigrationDefinition migration, Func<MigrationDefinition, Bookkeeping> bookkeeping)
        {
            if (_up && _maintainEach)
            {
                Maintain(MigrationStage.BeforeEach);
            }

            bool pipelined;
            try
            {
                _service._options.Verbose?.WriteLine($"  {(_up ? "migrating" : "reverting")} {migration.Version} {migration.Name}");
                pipelined = Add(migration, bookkeeping(migration));
            }
            catch (Exception e) when (e is not (OutOfMemoryException or RunnerException))
            {
                // A migration before this one may have failed on the server meanwhile: that failure comes first.
                Settle();
                throw _service.MigrationFailed(migration.Entry, e, _up, _steps.Count, _processor.LastSent);
            }

            if (!pipelined)
            {
                Landed(migration);
            }

            if (_pipeline.Count >= _batch)
            {
                Flush();
            }

            if (_up && _maintainEach)
            {
                Maintain(MigrationStage.AfterEach);
            }
        }

        // Queues a transactional migration whose expressions are plain SQL; runs any other at once. True when queued.
        private bool Add(MigrationDefinition migration, Bookkeeping bookkeeping)
        {
            _processor.Clear();
            if (!migration.Transactional)
            {
                Drain();
                Execute(transactional: false, () => _engine.Apply(migration.Create(), _up, _processor), bookkeeping.Write);
                return false;
            }

            _processor.Pipelining = true;
            var expressions = _engine.Build(migration.Create(), _up, _processor);
            if (expressions.Any(e => e is FluentMigrator.Expressions.PerformDBOperationExpression))
            {
                Drain();
                Execute(transactional: true, () => MigrationEngine.Execute(expressions, _processor), bookkeeping.Write);
                return false;
            }

            MigrationEngine.Execute(expressions, _processor);
            bookkeeping.Write(_processor);
            _pipeline.Add((migration, SqlProcessor.Script(["BEGIN", .. _processor.TakePending(), "COMMIT", FormattableString.Invariant($"SELECT {_pipeline.Count} AS {LandedColumn}, clock_timestamp()")])));
            return true;
        }

        /// <summary>Sends what is queued and waits until all of it has landed.</summary>
        private void Drain()
        {
            Flush();
            Settle();
        }

        /// <summary>
        /// Starts sending the queued migrations once the batch before them has landed, and returns: the next batch is
        /// built while the server runs this one.
        /// </summary>
        private void Flush()
        {
            Settle();
            if (_pipeline.Count == 0)
            {
                return;
            }

            var queued = _pipeline.ToArray();
            _pipeline.Clear();
            _batch = Math.Min(_batch * 2, LargestBatch);
            _inFlight = Task.Run(() => Send(queued));
        }

        /// <summary>Waits for the batch in flight, if any; throws its failure.</summary>
        private void Settle()
        {
            if (_inFlight is { } inFlight)
            {
                _inFlight = null;
                inFlight.GetAwaiter().GetResult();
            }
        }

        // One command for the whole batch; each migration is reported as its marker row arrives.
        private void Send((MigrationDefinition Migration, string Script)[] queued)
        {
            var landed = 0;
            try
            {
                using var command = new NpgsqlCommand($"SELECT -1 AS {LandedColumn}, clock_timestamp();\n" + string.Concat(queued.Select(q => q.Script)), _connection) { CommandTimeout = SqlProcessor.CommandTimeoutSeconds };
                using var reader = command.ExecuteReader();
                DateTime? previous = null;
                do
                {
                    // A migration's own statements may return rows too.
                    while (reader.FieldCount == 2 && reader.GetName(0) == LandedColumn && reader.Read())
                    {
                        var index = reader.GetInt32(0);
                        var at = reader.GetDateTime(1);
                        if (index >= 0)
                        {
                            Landed(queued[index].Migration, at - (previous ?? at));
                            landed++;
                        }

                        previous = at;
                    }
                }
                while (reader.NextResult());
            }
            catch (Exception e) when (e is not OutOfMemoryException && landed < queued.Length)
            {
                RollBackQuietly();
                throw _service.MigrationFailed(queued[landed].Migration.Entry, e, _up, _steps.Count, queued[landed].Script);
            }

            _sinceLastStep.Restart();
        }

        private void Landed(MigrationDefinition migration, TimeSpan? elapsed = null)
        {
            var step = new MigrationStep(migration.Entry, elapsed ?? _sinceLastStep.Elapsed);
            _sinceLastStep.Restart();
            _steps.Add(step);
            _service._options.OnStep(step);
        }

        public void Maintain(MigrationStage stage)
        {
            Drain();
            if (!_service.Migrations.Catalog.Maintenance.TryGetValue(stage, out var maintenance))
            {
                return;
            }

            foreach (var migration in maintenance)
            {
                try
                {
                    Execute(migration.Transactional, () => _engine.Apply(migration.Create(), up: true, _processor), _ => { });
                }
                catch (Exception e) when (e is not (OutOfMemoryException or RunnerException))
                {
                    var pg = SqlErrorExplainer.FindPostgresError(e);
                    throw new RunnerException(
                        $"[Maintenance({stage})] migration {migration.Name} failed: {(pg is null ? Flatten(e) : $"{pg.SqlState} {pg.MessageText}")}",
                        "fix the maintenance migration; maintenance runs in its own transaction, which was rolled back",
                        ExitCodes.Failure,
                        e);
                }
            }
        }

        // A transactional migration goes as BEGIN, its statements, its bookkeeping and COMMIT in one round trip; a
        // non-transactional one statement by statement in autocommit, then its bookkeeping in one implicit transaction.
        private void Execute(bool transactional, Action work, Action<SqlProcessor> bookkeeping)
        {
            _processor.Clear();
            _processor.Pipelining = transactional;
            if (!transactional)
            {
                work();
                _processor.Pipelining = true;
                bookkeeping(_processor);
                _processor.Flush();
                return;
            }

            _processor.Transaction = _connection.BeginTransaction();
            try
            {
                work();
                bookkeeping(_processor);
                _processor.Flush(commit: true);
            }
            catch
            {
                RollBackQuietly();
                throw;
            }
            finally
            {
                _processor.Transaction.Dispose();
                _processor.Transaction = null;
            }
        }

        // The session may be gone (the failure being reported); a failed rollback must not replace the real error.
        private void RollBackQuietly()
        {
            try
            {
                if (_processor.Transaction is { } transaction)
                {
                    transaction.Rollback();
                }
                else
                {
                    using var rollback = new NpgsqlCommand("ROLLBACK", _connection);
                    rollback.ExecuteNonQuery();
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or NpgsqlException)
            {
                // Nothing left to roll back: PostgreSQL ended the transaction with the session.
            }
        }
    }
}
