using System.Reflection;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Initialization;
using FluentMigrator.Runner.Processors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Migrations.Runner.Schema;
using Migrations.Runner.Catalog;
using Migrations.Runner.Execution;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Parity;

/// <summary>
/// The runner executes FluentMigrator migrations with its own loop; FluentMigrator's own runner is the reference it
/// must agree with: the same schema and VersionInfo after up and after down, and the same checksums as the SQL
/// FluentMigrator's connectionless runner generates (what earlier builds of this runner recorded in production).
/// </summary>
public class FluentMigratorParityTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    public static TheoryData<string> Sets => ["legacy", "parity"];

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task Up_and_down_leave_the_schema_and_VersionInfo_FluentMigrators_own_runner_leaves(string set)
    {
        var assembly = Assembly(set);
        var ours = await db.CreateDatabaseAsync();
        var theirs = await db.CreateDatabaseAsync();

        var applied = await Db.Service(ours, MigrationSet.Load([assembly.Location])).UpAsync(null);
        Reference(assembly, theirs, runner => runner.MigrateUp());

        Assert.NotEmpty(applied.Steps);
        Assert.Equal(await Db.VersionRowsAsync(theirs), await Db.VersionRowsAsync(ours));
        var differences = SchemaComparer.Compare(await Db.SnapshotAsync(theirs), await Db.SnapshotAsync(ours));
        Assert.True(differences.Count == 0, "after up:\n" + Db.Describe(differences));
        if (set == "parity")
        {
            // P0003 asked whether P0002's column exists, in the same run: the answer must have been yes.
            Assert.True(await Db.ScalarAsync<bool>(ours, """
                SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'parity' AND column_name = 'seen_remark')
                """));
        }

        await Db.Service(ours, MigrationSet.Load([assembly.Location])).DownToAsync(0);
        Reference(assembly, theirs, runner => runner.MigrateDown(0));

        Assert.Empty(await Db.VersionRowsAsync(ours));
        differences = SchemaComparer.Compare(await Db.SnapshotAsync(theirs), await Db.SnapshotAsync(ours));
        Assert.True(differences.Count == 0, "after down:\n" + Db.Describe(differences));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    [InlineData("samples")]
    public void Checksums_hash_the_SQL_FluentMigrators_connectionless_runner_generates(string set)
    {
        var assembly = Assembly(set);
        var reference = ReferenceChecksums(assembly);

        var ours = MigrationChecksums.Compute(MigrationSet.Load([assembly.Location]));

        Assert.NotEmpty(reference);
        Assert.Equal(reference.OrderBy(p => p.Key), ours.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_migration_that_asks_about_the_schema_has_no_checksum()
    {
        var checksums = MigrationChecksums.Compute(MigrationSet.Load([typeof(P0003_AsksAboutTheSchema).Assembly.Location]));

        Assert.Equal([1L, 2, 4], checksums.Keys.Order());
    }

    private static Assembly Assembly(string set) => set switch
    {
        "legacy" => typeof(LegacyScript).Assembly,
        "parity" => typeof(P0001_FluentTables).Assembly,
        "samples" => typeof(Migrations.Tests.Samples.SampleMigration).Assembly,
        _ => throw new ArgumentOutOfRangeException(nameof(set)),
    };

    private static void Reference(Assembly assembly, string connectionString, Action<IMigrationRunner> run)
    {
        using var services = Services(assembly, connectionString, logger: null);
        using var scope = services.CreateScope();
        run(scope.ServiceProvider.GetRequiredService<IMigrationRunner>());
        Db.ClearPool(connectionString);
    }

    // What earlier builds of the runner stored: each migration's Up through FluentMigrator's connectionless runner,
    // the SQL its log reports, hashed. A migration that asks the database about its schema cannot be generated so.
    private static Dictionary<long, string> ReferenceChecksums(Assembly assembly)
    {
        var log = new SqlLog();
        using var services = Services(assembly, "", log);
        using var scope = services.CreateScope();
        var runner = (MigrationRunner)scope.ServiceProvider.GetRequiredService<IMigrationRunner>();
        var checksums = new Dictionary<long, string>();
        foreach (var info in runner.MigrationLoader.LoadMigrations().Values)
        {
            log.Sql.Clear();
            try
            {
                runner.Up(info.Migration);
            }
            catch (NotImplementedException)
            {
                continue;
            }

            checksums[info.Version] = MigrationChecksums.Hash(log.Sql);
        }

        return checksums;
    }

    private static ServiceProvider Services(Assembly assembly, string connectionString, ILoggerProvider? logger) =>
        new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(rb => rb.AddPostgres15_0().WithGlobalConnectionString(connectionString).ScanIn(assembly).For.All())
            .Configure<ProcessorOptions>(o => o.PreviewOnly = connectionString.Length == 0)
            .Configure<RunnerOptions>(o => o.NoConnection = connectionString.Length == 0)
            .AddLogging(lb =>
            {
                lb.ClearProviders();
                if (logger is not null)
                {
                    lb.SetMinimumLevel(LogLevel.Trace).AddProvider(logger);
                }
            })
            .BuildServiceProvider(validateScopes: false);

    private sealed class SqlLog : ILoggerProvider, ILogger
    {
        // FluentMigrator's RunnerEventIds.Sql.
        private const int SqlEventId = 1003;

        public List<string> Sql { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == SqlEventId)
            {
                Sql.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
