using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>
/// Each migration starts from the session state psql's fresh session per file would give it: what one migration sets
/// (settings, role, temporary tables) never reaches the next, in or out of a transaction.
/// </summary>
public sealed class SessionIsolationTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string Source = """
        using FluentMigrator;

        namespace Isolation;

        public abstract class Recording : Migration
        {
            protected const string Record = @"
                CREATE TABLE IF NOT EXISTS public.seen (version int, settings text, who text);
                CREATE TEMP TABLE scratch (x int);
                INSERT INTO public.seen SELECT {0}, concat_ws(' / ', current_setting('statement_timeout'),
                    current_setting('lock_timeout'), current_setting('search_path'), current_setting('work_mem')), current_user;";

            protected const string Change = @"
                SET statement_timeout = '31s'; SET lock_timeout = '2s'; SET search_path = pg_catalog; SET work_mem = '7MB';";

            public override void Down() => Execute.Sql("DELETE FROM public.seen");
        }

        [Migration(1)]
        public sealed class M0001_SetsInATransaction : Recording
        {
            public override void Up() => Execute.Sql(string.Format(Record, 1) + Change);
        }

        [Migration(2, TransactionBehavior.None)]
        public sealed class M0002_SetsWithoutATransaction : Recording
        {
            public override void Up()
            {
                Execute.Sql(string.Format(Record, 2));
                Execute.Sql(Change);
            }
        }

        [Migration(3)]
        public sealed class M0003_OnlyLooks : Recording
        {
            public override void Up() => Execute.Sql(string.Format(Record, 3));
        }
        """;

    [Fact]
    public async Task What_a_migration_sets_does_not_reach_the_next_one()
    {
        var folder = Directory.CreateTempSubdirectory("isolation-").FullName;
        var file = Path.Combine(folder, "Isolation.cs");
        await File.WriteAllTextAsync(file, Source);
        var compiled = Compiler.Compile("Isolation", [file]);
        Assert.True(compiled.AssemblyPath is not null, string.Join("\n", compiled.Diagnostics));
        var database = await db.CreateDatabaseAsync();

        var up = await Cli.RunAsync(database, "up", "--assembly", compiled.AssemblyPath);

        Assert.True(up.ExitCode == 0, up.ToString());
        var seen = await Db.ScalarAsync<string>(database, "SELECT string_agg(DISTINCT settings || ' as ' || who, ' | ') FROM seen");
        var versions = await Db.ScalarAsync<long>(database, "SELECT count(DISTINCT version) FROM seen");
        Assert.Equal(3, versions);
        Assert.DoesNotContain("|", seen, StringComparison.Ordinal);
        Assert.StartsWith("0 / 10s / \"$user\", public / ", seen, StringComparison.Ordinal);
    }
}
