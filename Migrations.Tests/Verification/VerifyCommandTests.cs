using System.Text.Json;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Verification;

/// <summary>
/// The verify verb over a set with several broken rollbacks: it lists every one, each with what failed, and goes on
/// past each to check the versions after it. The set is compiled in process, as a user's own assembly would be built.
/// </summary>
public class VerifyCommandTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    // What each broken version does wrong; the other versions of the set are sound.
    private static readonly Dictionary<long, string> Broken = new()
    {
        [2] = "down does not restore the schema before its up",
        [4] = "down failed",
        [6] = "down does not restore the schema before its up",
        [8] = "up after its down gives a schema other than its first up",
        [11] = "down does not restore the schema before its up",
        [14] = "down does not restore the schema before its up",
    };

    private const string Source = """
        using FluentMigrator;

        namespace Broken;

        [Migration(1)]
        public sealed class M0001_Accounts : Migration
        {
            public override void Up() => Execute.Sql("CREATE TABLE accounts (id int PRIMARY KEY)");
            public override void Down() => Execute.Sql("DROP TABLE accounts");
        }

        [Migration(2)]
        public sealed class M0002_ForgetsItsTable : Migration
        {
            public override void Up() => Execute.Sql("CREATE TABLE leftovers (id int)");
            public override void Down() { }
        }

        [Migration(3)]
        public sealed class M0003_AddsAColumn : Migration
        {
            public override void Up() => Execute.Sql("ALTER TABLE accounts ADD COLUMN email text");
            public override void Down() => Execute.Sql("ALTER TABLE accounts DROP COLUMN email");
        }

        [Migration(4)]
        public sealed class M0004_DropsTheWrongIndex : Migration
        {
            public override void Up() => Execute.Sql("CREATE INDEX accounts_email ON accounts (email)");
            public override void Down() => Execute.Sql("DROP INDEX accounts_mail");
        }

        [Migration(5)]
        public sealed class M0005_AddsAView : Migration
        {
            public override void Up() => Execute.Sql("CREATE VIEW emails AS SELECT email FROM accounts");
            public override void Down() => Execute.Sql("DROP VIEW emails");
        }

        [Migration(6)]
        public sealed class M0006_RecreatesAnotherEnum : Migration
        {
            public override void Up() => Execute.Sql("CREATE TYPE mood AS ENUM ('happy', 'sad')");
            public override void Down() => Execute.Sql("DROP TYPE mood; CREATE TYPE mood AS ENUM ('sad')");
        }

        [Migration(7)]
        public sealed class M0007_AddsASequence : Migration
        {
            public override void Up() => Execute.Sql("CREATE SEQUENCE runs");
            public override void Down() => Execute.Sql("DROP SEQUENCE runs");
        }

        [Migration(8)]
        public sealed class M0008_DependsOnData : Migration
        {
            public override void Up() => Execute.Sql(@"DO $$ BEGIN
                IF nextval('runs') > 1 THEN CREATE TABLE audit (id int, again int); ELSE CREATE TABLE audit (id int); END IF;
                END $$");
            public override void Down() => Execute.Sql("DROP TABLE audit");
        }

        [Migration(9)]
        public sealed class M0009_AddsAnIndex : Migration
        {
            public override void Up() => Execute.Sql("CREATE INDEX accounts_id ON accounts (id)");
            public override void Down() => Execute.Sql("DROP INDEX accounts_id");
        }

        [Migration(10)]
        public sealed class M0010_RenamesATable : Migration
        {
            public override void Up() => Execute.Sql("ALTER TABLE leftovers RENAME TO kept");
            public override void Down() => Execute.Sql("ALTER TABLE kept RENAME TO leftovers");
        }

        [Migration(11)]
        public sealed class M0011_RenamesBackWrongly : Migration
        {
            public override void Up() => Execute.Sql("ALTER TABLE kept RENAME TO archive");
            public override void Down() => Execute.Sql("ALTER TABLE archive RENAME TO kept_old");
        }

        // Run outside a transaction, and with C# on the connection: neither can share a batch with the steps around it.
        [Migration(12, TransactionBehavior.None)]
        public sealed class M0012_IndexesConcurrently : Migration
        {
            public override void Up() => Execute.Sql("CREATE INDEX CONCURRENTLY accounts_email_lower ON accounts (lower(email))");
            public override void Down() => Execute.Sql("DROP INDEX CONCURRENTLY accounts_email_lower");
        }

        [Migration(13)]
        public sealed class M0013_CreatesATableFromCode : Migration
        {
            public override void Up() => Execute.WithConnection((c, t) => Run(c, t, "CREATE TABLE coded (id int)"));
            public override void Down() => Execute.WithConnection((c, t) => Run(c, t, "DROP TABLE coded"));

            private static void Run(System.Data.IDbConnection connection, System.Data.IDbTransaction transaction, string sql)
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }
        }

        [Migration(14)]
        public sealed class M0014_DropsAndCreatesAnother : Migration
        {
            public override void Up() => Execute.Sql("CREATE TABLE drafts (id int)");
            public override void Down() => Execute.Sql("DROP TABLE drafts; CREATE TABLE draft_copies (id int)");
        }

        [Migration(15)]
        public sealed class M0015_AddsAComment : Migration
        {
            public override void Up() => Execute.Sql("COMMENT ON TABLE accounts IS 'who signs in'");
            public override void Down() => Execute.Sql("COMMENT ON TABLE accounts IS NULL");
        }
        """;

    private static readonly Lazy<string> Assembly = new(() => Compiler.CompileSource("VerifyBroken", Source));

    [Fact]
    public async Task Verify_lists_every_broken_version_with_what_differs_and_checks_the_ones_after_each()
    {
        var target = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(target, "verify", "--assembly", Assembly.Value);

        Assert.True(result.ExitCode == ExitCodes.CheckFailed, result.ToString());
        Assert.Equal(Broken.Select(b => $"{b.Key} {Name(b.Key)}: {b.Value}"), Listed(result));
        Assert.Contains($"Checked {Versions} versions (1..{Versions})", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("hashed the whole schema", result.Out, StringComparison.Ordinal);
        // Each difference is of the schema the Down left against the one before the Up, and nothing the versions after
        // it do, though the round trip may have run them already.
        Assert.Equal(["table public.leftovers: added", "column public.leftovers.id: added"], Differences(result, 2));
        Assert.Equal(["enum public.mood: added"], Differences(result, 6));
        Assert.Equal(["table public.draft_copies: added", "column public.draft_copies.id: added"], Differences(result, 14));
        Assert.Contains("42704", result.Out, StringComparison.Ordinal);
        Assert.Contains("mood", result.Out, StringComparison.Ordinal);
        Assert.Contains("again", result.Out, StringComparison.Ordinal);
        // The database named is only connected through: the round trip ran on scratch databases, all dropped.
        Assert.Equal(0L, await Db.ScalarAsync<long>(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"));
        var name = new Npgsql.NpgsqlConnectionStringBuilder(target).Database;
        Assert.Equal(0L, await Db.ScalarAsync<long>(db.ServerConnectionString,
            $"SELECT count(*) FROM pg_database WHERE datname LIKE '{name}\\_scratch\\_%'"));
    }

    [Fact]
    public async Task Verify_without_a_superuser_hashes_the_whole_schema_at_every_step_and_lists_the_same_broken_versions()
    {
        // Only a superuser may create the event triggers that note what each migration touched.
        var role = "verify_plain_" + Guid.NewGuid().ToString("N")[..12];
        await db.ExecuteOnServerAsync($"CREATE ROLE {role} LOGIN NOSUPERUSER CREATEDB PASSWORD 'Verify-Plain-3e1d'");
        var target = new NpgsqlConnectionStringBuilder(await db.CreateDatabaseAsync()) { Username = role, Password = "Verify-Plain-3e1d" }
            .ConnectionString;

        var result = await Cli.RunAsync(target, "verify", "--assembly", Assembly.Value);

        Assert.True(result.ExitCode == ExitCodes.CheckFailed, result.ToString());
        Assert.Contains("hashed the whole schema", result.Out, StringComparison.Ordinal);
        Assert.Equal(Broken.Select(b => $"{b.Key} {Name(b.Key)}: {b.Value}"), Listed(result));
    }

    [Fact]
    public async Task Verify_of_a_range_checks_only_its_versions_and_reports_them_as_json()
    {
        var target = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(target, "verify", "--assembly", Assembly.Value, "--from", "3", "--to", "5", "--json");

        Assert.True(result.ExitCode == ExitCodes.CheckFailed, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.Equal(3, root.GetProperty("checked").GetInt32());
        var failures = root.GetProperty("failures").EnumerateArray().ToList();
        Assert.Equal([4L], failures.Select(f => f.GetProperty("version").GetInt64()));
        Assert.Equal("downFailed", failures[0].GetProperty("check").GetString());
        Assert.Contains("42704", failures[0].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_of_an_empty_range_is_a_usage_error()
    {
        var result = await Cli.RunAsync(db.ServerConnectionString, "verify", "--assembly", Assembly.Value, "--from", "5", "--to", "3");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: no migration from 5 to 3", result.Error, StringComparison.Ordinal);
    }

    private static int Versions => Source.Split("[Migration(").Length - 1;

    private static List<string> Listed(CliResult result) =>
        [.. result.Out.Split('\n')
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("   ", StringComparison.Ordinal))
            .Select(l => l.Trim())];

    private static List<string> Differences(CliResult result, long version) =>
        [.. result.Out.Split('\n')
            .SkipWhile(l => !l.StartsWith($"  {version} ", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal))
            .Select(l => l.Trim())];

    private static string Name(long version) =>
        Source.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith($"public sealed class M{version:D4}_", StringComparison.Ordinal))
            .Split(' ')[3];
}
