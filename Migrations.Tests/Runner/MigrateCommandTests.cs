using System.Text.Json;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>up, down, rollback, status and preview through the real command line.</summary>
public class MigrateCommandTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Up_to_a_version_applies_only_up_to_it_and_reports_each_migration()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "up", "--to", "3");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal([1L, 2, 3], await Db.AppliedVersionsAsync(database));
        Assert.Contains("M0001_InitialSchema", result.Out, StringComparison.Ordinal);
        Assert.Contains("M0003_SessionsAndRefreshTokens", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("M0004", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"\d+ ms", result.Out);
        Assert.Contains("Applied 3 migrations", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_json_lists_applied_and_pending_migrations_with_the_current_and_latest_version()
    {
        var database = await db.CreateDatabaseAsync();
        await Cli.RunAsync(database, "up", "--to", "2");

        var result = await Cli.RunAsync(database, "status", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("current").GetInt64());
        var migrations = root.GetProperty("migrations").EnumerateArray().ToList();
        var catalogCount = Db.Service(database).Catalog().Count;
        Assert.Equal(catalogCount, migrations.Count);
        Assert.Equal(catalogCount, root.GetProperty("latest").GetInt64());
        Assert.Equal(["applied", "applied"], migrations.Take(2).Select(m => m.GetProperty("state").GetString()));
        Assert.All(migrations.Skip(2), m => Assert.Equal("pending", m.GetProperty("state").GetString()));
        Assert.NotEqual(JsonValueKind.Null, migrations[0].GetProperty("appliedOnUtc").ValueKind);
    }

    [Fact]
    public async Task Status_check_exits_3_while_migrations_are_pending_and_0_when_up_to_date()
    {
        var database = await db.CreateDatabaseAsync();

        var pending = await Cli.RunAsync(database, "status", "--check");
        await Cli.RunAsync(database, "up");
        var upToDate = await Cli.RunAsync(database, "status", "--check");

        Assert.Equal(ExitCodes.CheckFailed, pending.ExitCode);
        Assert.Contains("PENDING", pending.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, upToDate.ExitCode);
        Assert.Contains("UP TO DATE", upToDate.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_does_not_create_VersionInfo()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "status");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.False(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('public.\"VersionInfo\"') IS NOT NULL"));
    }

    [Fact]
    public async Task Rollback_reverts_the_newest_migration_only_and_steps_revert_several()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var latest = (await Db.AppliedVersionsAsync(database)).Max();

        var one = await Cli.RunAsync(database, "rollback");
        var versionsAfterOne = await Db.AppliedVersionsAsync(database);
        var two = await Cli.RunAsync(database, "rollback", "--steps", "2");

        Assert.Equal(ExitCodes.Success, one.ExitCode);
        Assert.Equal(latest - 1, versionsAfterOne.Max());
        Assert.Equal(ExitCodes.Success, two.ExitCode);
        Assert.Equal(latest - 3, (await Db.AppliedVersionsAsync(database)).Max());
        Assert.Contains("Reverted 2 migrations", two.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_to_a_version_reverts_everything_newer_and_down_to_0_reverts_all()
    {
        var database = await db.CreateMigratedDatabaseAsync();

        var toFive = await Cli.RunAsync(database, "down", "--to", "5");
        var versionsAtFive = await Db.AppliedVersionsAsync(database);
        var toZero = await Cli.RunAsync(database, "down", "--to", "0");

        Assert.Equal(ExitCodes.Success, toFive.ExitCode);
        Assert.Equal([1L, 2, 3, 4, 5], versionsAtFive);
        Assert.Equal(ExitCodes.Success, toZero.ExitCode);
        Assert.Empty(await Db.AppliedVersionsAsync(database));
        Assert.Equal(0L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
            + "AND tablename NOT IN ('VersionInfo', 'VersionInfoChecksums', 'VersionInfoChecksumHistory')"));
    }

    [Fact]
    public async Task Down_to_an_unknown_version_is_a_usage_error_and_changes_nothing()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var before = await Db.AppliedVersionsAsync(database);

        var result = await Cli.RunAsync(database, "down", "--to", "999");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("999 is not a known migration version", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Rollback_more_steps_than_applied_is_refused()
    {
        var database = await db.CreateDatabaseAsync();
        await Cli.RunAsync(database, "up", "--to", "2");

        var result = await Cli.RunAsync(database, "rollback", "--steps", "3");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("only 2 migrations are applied", result.Error, StringComparison.Ordinal);
        Assert.Equal([1L, 2], await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Rollback_past_an_applied_version_unknown_to_the_assembly_is_refused()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, """INSERT INTO "VersionInfo" ("Version", "AppliedOn", "Description") VALUES (9999, now(), 'From a newer build')""");
        var before = await Db.SnapshotAsync(database);

        var result = await Cli.RunAsync(database, "rollback");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("9999 (From a newer build) is not in Migrations", result.Error, StringComparison.Ordinal);
        Assert.Contains(9999L, await Db.AppliedVersionsAsync(database));
        Assert.Empty(Migrations.Runner.Schema.SchemaComparer.Compare(before, await Db.SnapshotAsync(database)));
    }

    [Fact]
    public async Task Status_reports_applied_versions_unknown_to_the_assembly()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, """INSERT INTO "VersionInfo" ("Version", "AppliedOn", "Description") VALUES (9999, now(), 'From a newer build')""");

        var result = await Cli.RunAsync(database, "status");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(@"UNKNOWN\s+9999", result.Out);
    }

    [Fact]
    public async Task Preview_prints_the_sql_and_changes_nothing()
    {
        var database = await db.CreateDatabaseAsync();
        var before = await Db.SnapshotAsync(database);

        var result = await Cli.RunAsync(database, "preview", "--to", "2");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("-- up 1 M0001_InitialSchema", result.Out, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE IF NOT EXISTS organizations", result.Out, StringComparison.Ordinal);
        Assert.Contains("-- up 2 M0002_Memberships", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("-- up 3", result.Out, StringComparison.Ordinal);
        Assert.Empty(Migrations.Runner.Schema.SchemaComparer.Compare(before, await Db.SnapshotAsync(database)));
        Assert.False(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('public.\"VersionInfo\"') IS NOT NULL"));
    }

    [Fact]
    public async Task Down_preview_prints_the_rollback_sql_and_changes_nothing()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var before = await Db.AppliedVersionsAsync(database);

        var result = await Cli.RunAsync(database, "down", "--to", "11", "--preview");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("-- down 13 M0013", result.Out, StringComparison.Ordinal);
        Assert.Contains("-- down 12 M0012", result.Out, StringComparison.Ordinal);
        Assert.Contains("DELETE FROM \"public\".\"VersionInfo\"", result.Out, StringComparison.Ordinal);
        Assert.Equal(before, await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Production_refuses_down_and_rollback_without_yes()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var before = await Db.AppliedVersionsAsync(database);

        var rollback = await Cli.RunAsync(database, "rollback", "--environment", "Production");
        var down = await Cli.RunAsync(database, "down", "--to", "0", "--environment", "Production");
        var confirmed = await Cli.RunAsync(database, "rollback", "--environment", "Production", "--yes");

        Assert.Equal(ExitCodes.Usage, rollback.ExitCode);
        Assert.Contains("refusing to roll back in the Production environment without --yes", rollback.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, down.ExitCode);
        Assert.Equal(ExitCodes.Success, confirmed.ExitCode);
        Assert.Equal(before.SkipLast(1), await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Production_environment_from_DOTNET_ENVIRONMENT_also_refuses()
    {
        var database = await db.CreateMigratedDatabaseAsync();

        var result = await Cli.RunWithAsync(
            new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production", ["DATABASE_CONNECTION_STRING"] = database },
            null,
            "rollback");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Production", result.Error, StringComparison.Ordinal);
    }
}
