using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Import;

/// <summary>
/// A database another tool migrated, its history table holding rows as that tool writes them, adopted with
/// <c>baseline --from-history</c>: proved, recorded under the new numbers, and <c>up</c> then runs only the later ones.
/// Each case first shows the refusal that tool's history can call for.
/// </summary>
public sealed class ImportHistoryTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    public static TheoryData<string, int, string, string, string, string> Tools => new()
    {
        {
            "golang-migrate", 2,
            "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); "
            + "INSERT INTO schema_migrations VALUES (2, true)",
            "is dirty", "UPDATE schema_migrations SET dirty = false", "2"
        },
        {
            "goose", 2,
            "CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, "
            + "tstamp timestamp DEFAULT now()); INSERT INTO goose_db_version (version_id, is_applied) VALUES "
            + "(0, true), (1, true), (2, true), (4, true), (4, false), (2, false), (2, true), (7, true)",
            "records 7, not in the imported folder", "DELETE FROM goose_db_version WHERE version_id = 7", "2"
        },
        {
            "flyway", 3,
            "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, "
            + "type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, "
            + "installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL); "
            + "INSERT INTO flyway_schema_history VALUES "
            + "(1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'app', now(), 3, true), "
            + "(2, '1.1', 'customer email', 'SQL', 'V1.1__customer_email.sql', 2, 'app', now(), 3, true), "
            + "(3, '1.2', 'customer email index', 'SQL', 'V1_2__customer_email_index.sql', 3, 'app', now(), 3, true), "
            + "(4, '2', 'named customers', 'SQL', 'V2__named_customers.sql', 4, 'app', now(), 3, false)",
            "failed migrations 2", "DELETE FROM flyway_schema_history WHERE NOT success", "1.2"
        },
        {
            "sql-migrate", 2,
            "CREATE TABLE gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamptz); "
            + "INSERT INTO gorp_migrations VALUES ('1_init.sql', now()), ('2_authors_name_index.sql', now()), ('3_gone.sql', now())",
            "3_gone.sql", "DELETE FROM gorp_migrations WHERE id = '3_gone.sql'", "2_authors_name_index.sql"
        },
        {
            "dbmate", 2,
            "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); "
            + "INSERT INTO schema_migrations VALUES ('20230101000000'), ('20230102000000'), ('20221231000000')",
            "20221231000000", "DELETE FROM schema_migrations WHERE version = '20221231000000'", "20230102000000"
        },
        {
            "diesel", 2,
            "CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY NOT NULL, "
            + "run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP); "
            + "INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20230101120000'), ('20990101000000')",
            "20990101000000", "DELETE FROM __diesel_schema_migrations WHERE version = '20990101000000'", "20230101120000"
        },
    };

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task A_database_the_old_tool_migrated_is_adopted_and_up_runs_only_the_later_migrations(
        string fixture, int applied, string history, string refusal, string fix, string mappedId)
    {
        var (_, _, set, assembly) = await ImportHarness.ImportedAsync(fixture);
        var database = await db.CreateDatabaseAsync();
        var service = Db.Service(database, set);
        var versions = service.Catalog().Select(m => m.Version).ToList();
        // As the old tool left it: the schema of its first migrations, its own history, no VersionInfo.
        await service.UpAsync(versions[applied - 1]);
        await Db.ExecuteAsync(database, string.Concat(SnapshotOptions.BookkeepingTables.Select(t => $"DROP TABLE \"{t}\";")) + history);

        var refused = await Cli.RunAsync(database, "baseline", "--from-history", "--assembly", assembly);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains(refusal, refused.Error, StringComparison.Ordinal);
        Assert.Empty(await Db.AppliedVersionsAsync(database));

        await Db.ExecuteAsync(database, fix);
        var adopted = await Cli.RunAsync(database, "baseline", "--from-history", "--assembly", assembly);

        Assert.True(adopted.ExitCode == 0, adopted.ToString());
        Assert.Contains("Proved", adopted.Out, StringComparison.Ordinal);
        Assert.Matches($@"\s{System.Text.RegularExpressions.Regex.Escape(mappedId)}\s+-> {applied}\b", adopted.Out);
        Assert.Equal(versions.Take(applied), await Db.AppliedVersionsAsync(database));
        var up = await service.UpAsync(null);
        Assert.Equal(versions.Skip(applied), up.Steps.Select(s => s.Migration.Version));
    }
}
