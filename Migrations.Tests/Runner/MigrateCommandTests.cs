using System.Text.Json;
using Migrations.Runner.Catalog;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>up, down, rollback, status and preview through the real command line, on the repository's migrations and the samples.</summary>
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
        var catalog = Db.Service(database).Catalog();
        Assert.Equal(catalog.Select(m => m.Version), migrations.Select(m => m.GetProperty("version").GetInt64()));
        Assert.Equal(catalog[^1].Version, root.GetProperty("latest").GetInt64());
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
        Assert.Equal(0L, await Db.ApplicationTableCountAsync(database));
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
        await Db.RecordAppliedAsync(database, 9999, "From a newer build");
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
        await Db.RecordAppliedAsync(database, 9999, "From a newer build");

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
        var (target, second, newest) = MigrationSet.Default.Entries.TakeLast(3).ToList() switch { var m => (m[0], m[1], m[2]) };

        var result = await Cli.RunAsync(database, "down", "--to", $"{target.Version}", "--preview");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains($"-- down {newest.Version} {newest.Name}", result.Out, StringComparison.Ordinal);
        Assert.Contains($"-- down {second.Version} {second.Name}", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"-- down {target.Version} ", result.Out, StringComparison.Ordinal);
        Assert.Contains("DELETE FROM \"public\".\"VersionInfo\"", result.Out, StringComparison.Ordinal);
        Assert.Equal(before, await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Production_named_by_option_or_by_DOTNET_ENVIRONMENT_refuses_down_and_rollback_without_yes()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var before = await Db.AppliedVersionsAsync(database);
        var productionVariable = new Dictionary<string, string>(Cli.EnvironmentFor(database)) { ["DOTNET_ENVIRONMENT"] = "Production" };

        var rollback = await Cli.RunAsync(database, "rollback", "--environment", "Production");
        var down = await Cli.RunAsync(database, "down", "--to", "0", "--environment", "Production");
        var rollbackByVariable = await Cli.RunWithAsync(productionVariable, null, "rollback");
        var versionsAfterRefusals = await Db.AppliedVersionsAsync(database);
        var confirmed = await Cli.RunAsync(database, "rollback", "--environment", "Production", "--yes");

        Assert.Equal(ExitCodes.Usage, rollback.ExitCode);
        Assert.Contains("refusing to roll back in the Production environment without --yes", rollback.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, down.ExitCode);
        Assert.Equal(ExitCodes.Usage, rollbackByVariable.ExitCode);
        Assert.Contains(
            "refusing to roll back in the Production environment without --yes",
            rollbackByVariable.Error,
            StringComparison.Ordinal);
        Assert.Equal(before, versionsAfterRefusals);
        Assert.Equal(ExitCodes.Success, confirmed.ExitCode);
        Assert.Equal(before.SkipLast(1), await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Up_out_of_order_applies_a_pending_migration_older_than_the_newest_applied_that_plain_up_refuses()
    {
        var database = await db.CreateDatabaseAsync();
        var setup = await Cli.RunAsync(database, "up", "--to", "1003", "--assembly", Cli.SamplesAssembly);
        Assert.True(setup.ExitCode == ExitCodes.Success, setup.ToString());
        await Db.ExecuteAsync(database, """DELETE FROM "VersionInfo" WHERE "Version" = 1002; DROP TABLE sample_1002;""");

        var refused = await Cli.RunAsync(database, "up", "--to", "1003", "--assembly", Cli.SamplesAssembly);
        var allowed = await Cli.RunAsync(database, "up", "--to", "1003", "--assembly", Cli.SamplesAssembly, "--out-of-order");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains(
            "migration 1002 S1002_SampleTwo is older than the newest applied version 1003",
            refused.Error,
            StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == ExitCodes.Success, allowed.ToString());
        Assert.Equal([1002L], CliOutput.ReportedVersions(allowed.Out));
        Assert.Equal([1001L, 1002, 1003], await Db.AppliedVersionsAsync(database));
        Assert.True(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('sample_1002') IS NOT NULL"));
    }

    [Fact]
    public async Task Maintenance_migrations_run_before_every_up_as_FluentMigrator_runs_them()
    {
        var database = await db.CreateDatabaseAsync();
        await SampleDatabases.SetAsync(db, database, "samples.maintenance", "on");

        var first = await Cli.RunAsync(database, "up", "--to", "1001", "--assembly", Cli.SamplesAssembly);
        var second = await Cli.RunAsync(database, "up", "--to", "1002", "--assembly", Cli.SamplesAssembly);
        var nothingPending = await Cli.RunAsync(database, "up", "--to", "1002", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.Equal(ExitCodes.Success, nothingPending.ExitCode);
        Assert.Equal(3L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM maintenance_runs WHERE stage = 'before all'"));
        Assert.Equal([1001L, 1002], await Db.AppliedVersionsAsync(database));
    }
}
