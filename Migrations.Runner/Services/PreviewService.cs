using FluentMigrator;
using FluentMigrator.Expressions;
using Migrations.Authoring;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Planning;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>One migration, or [Maintenance] migration, as a preview shows it.</summary>
/// <param name="Migration">The migration.</param>
/// <param name="Sql">What the migration itself runs, as up or down generates it.</param>
/// <param name="Statements">
/// What a script runs for it, each statement ending with its semicolon: inside BEGIN and COMMIT with its bookkeeping
/// when it is transactional; else statement by statement, then its bookkeeping in a transaction of its own; then the
/// session reset the runner sends after every migration.
/// </param>
/// <param name="Maintenance">The stage of a [Maintenance] migration; null for a versioned one.</param>
/// <param name="RunsCSharp">It runs C# against the connection (<c>Execute.WithConnection</c>), which no script can do.</param>
/// <param name="AsksSchema">
/// It asked the database about its schema while it was built: answered by the database as it is now, before the steps
/// ahead of it ran, where up would answer after them.
/// </param>
/// <param name="Profile">The profile of a [Profile] migration; null otherwise.</param>
public sealed record PreviewStep(
    MigrationEntry Migration,
    IReadOnlyList<string> Sql,
    IReadOnlyList<string> Statements,
    MigrationStage? Maintenance = null,
    bool RunsCSharp = false,
    bool AsksSchema = false,
    string? Profile = null);

/// <summary>
/// Everything up or down would run on this database, in the order they would run it, each part as statements that end
/// with their semicolons: run one after another in one session, they do what the verb would do.
/// </summary>
/// <param name="Up">Up, else down.</param>
/// <param name="CreateTables">The bookkeeping tables' creation in a transaction; empty when they all exist.</param>
/// <param name="DropInvalidIndexes">With <c>--drop-invalid-indexes</c>: the INVALID indexes up would drop first.</param>
/// <param name="BackfillChecksums">The checksums up records for migrations applied before checksums were kept.</param>
/// <param name="Steps">Each migration, with the [Maintenance] migrations where up runs them.</param>
public sealed record PreviewScript(
    bool Up,
    IReadOnlyList<string> CreateTables,
    IReadOnlyList<string> DropInvalidIndexes,
    IReadOnlyList<string> BackfillChecksums,
    IReadOnlyList<PreviewStep> Steps)
{
    /// <summary>The verb would do nothing at all.</summary>
    public bool IsEmpty => CreateTables.Count == 0 && DropInvalidIndexes.Count == 0 && BackfillChecksums.Count == 0 && Steps.Count == 0;
}

/// <summary>
/// The SQL that up or down would run, planned and generated as they plan and generate it (refused where they would
/// refuse); executes nothing.
/// </summary>
public sealed class PreviewService(MigrationSet migrations, string connectionString, TextWriter? verbose = null)
{
    /// <summary>What <c>up</c> (to <paramref name="target"/>) would run, migration by migration.</summary>
    public async Task<IReadOnlyList<PreviewStep>> UpAsync(long? target, CancellationToken cancellationToken = default) =>
        [.. (await UpScriptAsync(target, cancellationToken: cancellationToken)).Steps
            .Where(s => s.Maintenance is null && s.Profile is null)];

    /// <summary>Everything <c>up</c> with these options would run.</summary>
    /// <exception cref="RunnerErrorException">The target is unknown, or up would refuse to run (its own refusals).</exception>
    public async Task<PreviewScript> UpScriptAsync(
        long? target, bool allowOutOfOrder = false, bool dropInvalidIndexes = false, CancellationToken cancellationToken = default)
    {
        var catalog = migrations.Catalog;
        if (target is { } t)
        {
            catalog.RequireTarget(t, zeroAllowed: false);
        }

        var checksums = MigrationChecksums.ComputeAll(migrations);
        await using var connection = await Database.OpenAsync(connectionString, pooling: false, cancellationToken);
        var facts = await RunState.ReadAsync(connection, migrations.VersionTable, withInvalidIndexes: true, cancellationToken);
        var plan = UpPlanner.Plan(
            catalog, checksums, facts, new UpRequest(m => m.Version <= (target ?? long.MaxValue), allowOutOfOrder, dropInvalidIndexes));
        if (plan.Refusal is { } refusal)
        {
            throw new RunnerErrorException(refusal);
        }

        // In the order MigrationService.UpAsync runs them, [Maintenance] included.
        var steps = new StepWriter(catalog, connection, up: true, verbose, connectionString);
        steps.Maintain(MigrationStage.BeforeAll);
        foreach (var migration in plan.ToApply)
        {
            steps.Maintain(MigrationStage.BeforeEach);
            steps.Add(migration, Bookkeeping.Applied(migration, checksums.Checksums, migrations.VersionTable));
            steps.Maintain(MigrationStage.AfterEach);
        }

        steps.Maintain(MigrationStage.BeforeProfiles);
        steps.ApplyProfiles();
        steps.Maintain(MigrationStage.AfterAll);
        return new PreviewScript(
            Up: true,
            CreateTables(facts.TablesComplete),
            [.. plan.IndexesToDrop.Select(i => Terminated(InvalidIndexes.DropSql(i)))],
            [.. plan.ChecksumsToBackfill.Select(v => Terminated(ChecksumStore.RecordSql(v, checksums.Checksums[v], "backfill")))],
            steps.Steps);
    }

    /// <summary>What <c>down --to</c> <paramref name="target"/> would run, migration by migration.</summary>
    /// <inheritdoc cref="DownScriptAsync"/>
    public async Task<IReadOnlyList<PreviewStep>> DownAsync(long target, CancellationToken cancellationToken = default) =>
        [.. (await DownScriptAsync(target, cancellationToken)).Steps.Where(s => s.Profile is null)];

    /// <summary>Everything <c>down --to</c> <paramref name="target"/> would run.</summary>
    /// <exception cref="RunnerErrorException">
    /// The target is unknown, or an applied version it would pass is not in the set.
    /// </exception>
    public async Task<PreviewScript> DownScriptAsync(long target, CancellationToken cancellationToken = default)
    {
        migrations.Catalog.RequireTarget(target, zeroAllowed: true);
        await using var connection = await Database.OpenAsync(connectionString, pooling: false, cancellationToken);
        var applied = await VersionHistory.ReadAsync(connection, migrations.VersionTable, cancellationToken);
        var complete = await VersionHistory.TablesCompleteAsync(connection, migrations.VersionTable, cancellationToken);
        var plan = DownPlanner.To(migrations.Catalog, applied, target);
        if (plan.Refusal is { } refusal)
        {
            throw new RunnerErrorException(
                refusal is UnknownAppliedVersions unknown ? unknown with { SetName = migrations.Name } : refusal);
        }

        var steps = new StepWriter(migrations.Catalog, connection, up: false, verbose, connectionString);
        foreach (var migration in plan.ToRevert)
        {
            steps.Add(migration, Bookkeeping.Reverted(migration, migrations.VersionTable));
        }

        steps.ApplyProfiles();

        // Down creates missing bookkeeping tables before it reverts anything, as up does.
        return new PreviewScript(Up: false, CreateTables(complete), [], [], steps.Steps);
    }

    private List<string> CreateTables(bool complete) =>
        complete ? [] : ["BEGIN;", Terminated(VersionHistory.CreateTablesSqlFor(migrations.VersionTable)), "COMMIT;"];

    // A statement may lack its semicolon; after a trailing line comment it goes on a line of its own.
    private static string Terminated(string sql)
    {
        var text = sql.TrimEnd();
        if (SqlLexer.EndsWithSemicolon(text))
        {
            return text;
        }

        var last = SqlLexer.Tokenize(text).LastOrDefault(token => token.Kind != SqlTokenKind.Whitespace);
        return text + (last.Kind == SqlTokenKind.LineComment ? "\n;" : ";");
    }

    /// <summary>Builds each step as the pipeline runs it, on one collecting processor that asks the live database.</summary>
    private sealed class StepWriter
    {
        private readonly MigrationCatalog _catalog;
        private readonly bool _up;
        private readonly string _reset;
        private readonly ExpressionBuilder _builder;
        private readonly SqlProcessor _processor;
        private bool _asked;

        public StepWriter(MigrationCatalog catalog, NpgsqlConnection connection, bool up, TextWriter? verbose, string connectionString)
        {
            _catalog = catalog;
            _up = up;
            _reset = MigrationSession.ResetSqlFor(connection.PostgreSqlVersion);
            _builder = new ExpressionBuilder(catalog, connectionString);
            _processor = SqlProcessor.Collecting(new NpgsqlChannel(connection), verbose);
            _processor.BeforeQuestion = () => _asked = true;
        }

        public List<PreviewStep> Steps { get; } = [];

        public void Maintain(MigrationStage stage)
        {
            if (_catalog.Maintenance.TryGetValue(stage, out var maintenance))
            {
                foreach (var migration in maintenance)
                {
                    Add(migration, null, stage);
                }
            }
        }

        public void ApplyProfiles()
        {
            foreach (var profile in _catalog.Profiles)
            {
                Add(profile, null, profile: _catalog.Context.Selection.Profile);
            }
        }

        public void Add(MigrationDefinition migration, Bookkeeping? bookkeeping, MigrationStage? stage = null, string? profile = null)
        {
            _processor.Clear();
            _asked = false;
            var expressions = _builder.Build(migration.Create(), _up, _processor);
            ExpressionBuilder.Execute(expressions, _processor);
            var sql = _processor.Statements.ToList();
            _processor.Clear();
            bookkeeping?.Write(_processor);
            // The runner sends no empty statement; the rest each end with a semicolon, or psql would run on into the next.
            var work = sql.Where(s => !string.IsNullOrWhiteSpace(s)).Select(Terminated).ToList();
            var rows = _processor.Statements.Select(Terminated).ToList();
            List<string> statements = migration.Transactional
                ? ["BEGIN;", .. work, .. rows, "COMMIT;"]
                : [.. work, .. rows.Count == 0 ? [] : (List<string>)["BEGIN;", .. rows, "COMMIT;"]];
            statements.Add(Terminated(_reset));
            Steps.Add(new PreviewStep(
                migration.Entry, sql, statements, stage, expressions.Any(e => e is PerformDBOperationExpression), _asked, profile));
        }
    }
}
