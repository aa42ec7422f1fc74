using Migrations.Authoring;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.Planning;
using Migrations.Runner.Services;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Runner.Analysis;

/// <summary>What <c>up</c> would be asked to do, for the plan of it.</summary>
/// <param name="Target">The last version; all pending when null.</param>
/// <param name="AllowOutOfOrder">As up's --out-of-order.</param>
/// <param name="IgnoreUnknown">As up's --ignore-unknown.</param>
/// <param name="DropInvalidIndexes">As up's --drop-invalid-indexes.</param>
public sealed record PlanRequest(
    long? Target = null, bool AllowOutOfOrder = false, bool IgnoreUnknown = false, bool DropInvalidIndexes = false);

/// <summary>
/// Measures what each pending migration of the target will lock, rewrite and scan: on a scratch database that holds
/// the target's applied migrations replayed (as drift does), each pending migration runs in a transaction whose
/// catalog and locks are read before it ends, then commits there so that the next one sees its effects; one that
/// cannot run in a transaction runs statement by statement, its effects read after it. The target is only read: its
/// bookkeeping, and the size of its tables from the catalog (no row is read). The scratch database is always dropped.
/// </summary>
public sealed class PlanService(MigrationSet migrations, string connectionString, RunOptions? options = null)
{
    private const string SizesSql = """
        SELECT format('%s.%s', n.nspname, c.relname), c.reltuples::bigint, coalesce(s.n_live_tup, 0), pg_total_relation_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
        """;

    private readonly RunOptions _options = options ?? new RunOptions();

    /// <summary>The plan of <c>up</c> with <paramref name="request"/>'s options, refused where up would refuse.</summary>
    /// <param name="request">What up would be asked.</param>
    /// <param name="shadowServer">The server to create the scratch database on; the target's when null.</param>
    /// <param name="cancellationToken">Stops between statements.</param>
    /// <exception cref="RunnerErrorException">Up's own refusals, a scratch database refused, or a migration failing there.</exception>
    public async Task<PlanReport> PlanAsync(PlanRequest request, string? shadowServer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var catalog = migrations.Catalog;
        if (request.Target is { } t)
        {
            catalog.RequireTarget(t, zeroAllowed: false);
        }

        var checksums = MigrationChecksums.ComputeAll(migrations);
        await using var target = await Database.OpenForCatalogAsync(connectionString, cancellationToken);
        var facts = await RunState.ReadAsync(target, migrations.VersionTable, withInvalidIndexes: true, cancellationToken);
        var upRequest = new UpRequest(
            m => m.Version <= (request.Target ?? long.MaxValue),
            request.AllowOutOfOrder,
            request.DropInvalidIndexes,
            request.IgnoreUnknown);
        var plan = UpPlanner.Plan(catalog, checksums, facts, upRequest);
        if (plan.Refusal is { } refusal)
        {
            throw new RunnerErrorException(refusal);
        }

        var live = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "migrations";
        var replay = facts.AppliedVersions.Where(catalog.Migrations.ContainsKey).Order().ToList();
        var lockTimeout = _options.Session.DatabaseLockTimeout;
        if (plan.ToApply.Count == 0)
        {
            return new PlanReport(live, replay, [], lockTimeout);
        }

        var sizes = await SizesAsync(target, cancellationToken);
        await target.CloseAsync();

        await using var scratch = await ScratchDatabase.CreateAsync(
            shadowServer ?? connectionString, live, shadowServer is not null, cancellationToken);
        if (replay.Count > 0)
        {
            var quiet = _options with { OnStep = _ => { }, Verbose = null };
            await new MigrationService(migrations, scratch.ConnectionString, quiet)
                .ApplyVersionsAsync(replay.ToHashSet(), cancellationToken);
        }

        var measured = new List<MigrationPlan>();
        await using var connection = await Database.OpenAsync(scratch.ConnectionString, pooling: false, cancellationToken);
        var probe = new Probe(catalog, connection, _options.Verbose);
        foreach (var migration in plan.ToApply)
        {
            cancellationToken.ThrowIfCancellationRequested();
            measured.Add(await probe.MeasureAsync(migration, lockTimeout, name => sizes.GetValueOrDefault(name), cancellationToken));
        }

        return new PlanReport(live, replay, measured, lockTimeout);
    }

    /// <summary>The reason of a <c>[Reviewed]</c> attribute on the class, matched by name; null when there is none.</summary>
    internal static string? ReviewedReason(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var attribute = type.GetCustomAttributes(inherit: false).FirstOrDefault(a => a.GetType().Name == nameof(ReviewedAttribute));
        return attribute is null
            ? null
            : attribute.GetType().GetProperty(nameof(ReviewedAttribute.Reason))?.GetValue(attribute) as string ?? "";
    }

    private static async Task<Dictionary<string, RelationSize>> SizesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sizes = new Dictionary<string, RelationSize>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(SizesSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // reltuples is -1 until the table is first vacuumed or analyzed; the statistics' count stands in until then.
            var estimate = reader.GetInt64(1);
            sizes[reader.GetString(0)] = new RelationSize(estimate >= 0 ? estimate : reader.GetInt64(2), reader.GetInt64(3));
        }

        return sizes;
    }

    /// <summary>Runs migrations one by one on the scratch session, reading the catalog and the locks around each.</summary>
    private sealed class Probe
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlChannel _channel;
        private readonly ExpressionBuilder _builder;
        private readonly SqlProcessor _collecting;
        private readonly SqlProcessor _executing;
        private readonly string _reset;

        public Probe(MigrationCatalog catalog, NpgsqlConnection connection, TextWriter? verbose)
        {
            _connection = connection;
            _channel = new NpgsqlChannel(connection);
            _builder = new ExpressionBuilder(catalog);
            _collecting = SqlProcessor.Collecting(_channel);
            _executing = SqlProcessor.Executing(_channel, verbose);
            _reset = MigrationSession.ResetSqlFor(connection.PostgreSqlVersion);
        }

        public async Task<MigrationPlan> MeasureAsync(
            MigrationDefinition migration, TimeSpan lockTimeout, Func<string, RelationSize?> sizeOf, CancellationToken cancellationToken)
        {
            var before = await CatalogState.ReadAsync(_connection, cancellationToken);
            IReadOnlyList<string> statements;
            CatalogState after;
            IReadOnlyDictionary<uint, string>? locks = null;
            bool inTransaction;
            try
            {
                // Built once, as up builds it: its schema questions see what the migrations before it left.
                _collecting.Clear();
                var expressions = _builder.Build(migration.Create(), up: true, _collecting);
                ExpressionBuilder.Execute(expressions, _collecting);
                statements = [.. _collecting.Statements.Where(s => !string.IsNullOrWhiteSpace(s))];
                inTransaction = migration.Transactional && !statements.Any(SqlStatementKinds.ControlsTransactions);
                _executing.Clear();
                _executing.Pipelining = false;
                if (inTransaction)
                {
                    _channel.Begin();
                    ExpressionBuilder.Execute(expressions, _executing);
                    // Read before the end of the transaction: afterwards the locks are gone.
                    locks = await CatalogState.OwnLocksAsync(_connection, cancellationToken);
                    after = await CatalogState.ReadAsync(_connection, cancellationToken);
                    _channel.Execute("COMMIT");
                    _channel.EndTransaction();
                }
                else
                {
                    ExpressionBuilder.Execute(expressions, _executing);
                    if (_channel.InTransactionBlock())
                    {
                        _channel.RollBackQuietly();
                    }

                    after = await CatalogState.ReadAsync(_connection, cancellationToken);
                }

                _channel.Execute(_reset);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or RunnerErrorException or OperationCanceledException))
            {
                _channel.RollBackQuietly();
                var pg = SqlErrorLocator.FindPostgresError(e);
                throw new RunnerErrorException(
                    new PlanMigrationFailed(
                        migration.Entry, pg is null ? null : SqlErrorLocator.Describe(pg), SqlErrorLocator.Flatten(e)),
                    e);
            }

            var (measuredLocks, findings, indexes) = Effects.Read(before, after, locks, StaticRules.Read(statements), lockTimeout, sizeOf);
            return new MigrationPlan(migration.Entry, inTransaction, statements, measuredLocks, findings, ReviewedReason(migration.Type))
            {
                Indexes = indexes,
            };
        }
    }
}
