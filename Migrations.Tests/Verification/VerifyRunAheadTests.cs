using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Verification;

/// <summary>
/// What verify must get right while it runs steps ahead of their checks: a migration whose C# throws before anything
/// is sent, a function renamed away from others of its name, and a migration that changes role where functions are
/// no longer executable by everyone.
/// </summary>
public class VerifyRunAheadTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string Source = """
        using FluentMigrator;

        namespace RunAhead;

        [Migration(1)]
        public sealed class M0001_Functions : Migration
        {
            public override void Up() => Execute.Sql(
                "CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS 'SELECT 1';"
                + "CREATE FUNCTION f(text) RETURNS int LANGUAGE sql AS 'SELECT 2'");
            public override void Down() => Execute.Sql("DROP FUNCTION f(int); DROP FUNCTION f(text)");
        }

        [Migration(2)]
        public sealed class M0002_RenamesOneOverload : Migration
        {
            public override void Up() => Execute.Sql("ALTER FUNCTION f(int) RENAME TO g");
            public override void Down() => Execute.Sql("ALTER FUNCTION g(int) RENAME TO f");
        }

        [Migration(3)]
        public sealed class M0003_DropsTheOtherOverload : Migration
        {
            public override void Up() => Execute.Sql("CREATE TABLE t3 (id int)");
            public override void Down() => Execute.Sql("DROP TABLE t3; DROP FUNCTION f(text)");
        }

        [Migration(4)]
        public sealed class M0004_Irreversible : Migration
        {
            public override void Up() => Execute.Sql("CREATE TABLE b (id int)");
            public override void Down() => throw new System.NotSupportedException("irreversible");
        }

        [Migration(5)]
        public sealed class M0005_Sound : Migration
        {
            public override void Up() => Execute.Sql("CREATE TABLE c (id int)");
            public override void Down() => Execute.Sql("DROP TABLE c");
        }
        """;

    private static readonly Lazy<string> Assembly = new(() => Compiler.CompileSource("VerifyRunAhead", Source));

    [Fact]
    public async Task Verify_finds_a_down_that_drops_a_function_left_under_a_name_another_was_renamed_from_and_one_that_throws()
    {
        var target = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(target, "verify", "--assembly", Assembly.Value);

        Assert.True(result.ExitCode == ExitCodes.CheckFailed, result.ToString());
        Assert.Contains(
            "  3 M0003_DropsTheOtherOverload: down does not restore the schema before its up", result.Out, StringComparison.Ordinal);
        Assert.Contains("  4 M0004_Irreversible: down failed", result.Out, StringComparison.Ordinal);
        Assert.Contains("irreversible", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("M0005_Sound:", result.Out, StringComparison.Ordinal);
        Assert.Contains("Checked 5 versions", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_runs_a_migration_that_sets_a_role_after_execute_on_functions_was_revoked_from_public()
    {
        var role = "verify_owner_" + Guid.NewGuid().ToString("N")[..12];
        await db.ExecuteOnServerAsync($"CREATE ROLE {role} NOLOGIN");
        var path = Compiler.CompileSource("VerifyRole" + role[^12..], $$"""
            using FluentMigrator;

            namespace RunAheadRole;

            [Migration(1)]
            public sealed class M0001_Hardening : Migration
            {
                public override void Up() => Execute.Sql(
                    "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC; GRANT ALL ON SCHEMA public TO {{role}};"
                    + "GRANT ALL ON ALL TABLES IN SCHEMA public TO {{role}}");
                public override void Down() => Execute.Sql(
                    "ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC; REVOKE ALL ON SCHEMA public FROM {{role}};"
                    + "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {{role}}");
            }

            [Migration(2)]
            public sealed class M0002_AsOwner : Migration
            {
                public override void Up() => Execute.Sql("SET ROLE {{role}}; CREATE TABLE owned (id int)");
                public override void Down() => Execute.Sql("SET ROLE {{role}}; DROP TABLE owned");
            }
            """);
        var target = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(target, "verify", "--assembly", path, "--from", "2");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }
}
