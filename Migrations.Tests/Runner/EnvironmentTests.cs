using Migrations.Runner.Cli;
using Migrations.Runner.Development;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>
/// Safe by default: an empty or missing connection string never falls back to the local development database outside
/// Development, and destructive verbs need --yes in every environment but the local ones, whatever the spelling.
/// </summary>
public sealed class EnvironmentTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string RecordedBy1 = """SELECT "RecordedBy" FROM "VersionInfoChecksums" WHERE "Version" = 1""";

    [Fact]
    public async Task An_empty_DATABASE_CONNECTION_STRING_is_a_usage_error_not_the_development_database()
    {
        var result = await RunWithoutDevelopmentDatabaseAsync(new() { [RunnerConfiguration.ConnectionStringVariable] = "" }, "status");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: DATABASE_CONNECTION_STRING is set but empty", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("development database app_dev", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task An_empty_connection_option_is_a_usage_error_not_the_next_source(string empty)
    {
        var variable = await db.CreateDatabaseAsync();

        var result = await RunWithoutDevelopmentDatabaseAsync(
            new() { [RunnerConfiguration.ConnectionStringVariable] = variable }, "up", "--connection", empty);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: --connection is empty", result.Error, StringComparison.Ordinal);
        Assert.Empty(await Db.AppliedVersionsAsync(variable));
    }

    [Theory]
    [InlineData("Staging", null, null)]
    [InlineData("Local", null, null)]
    [InlineData(null, "Test", null)]
    [InlineData(null, null, "Production")]
    public async Task Without_a_connection_string_any_environment_but_Development_is_a_usage_error_naming_the_sources(
        string? option, string? dotnetEnvironment, string? aspNetCoreEnvironment)
    {
        var environment = new Dictionary<string, string>();
        if (dotnetEnvironment is not null)
        {
            environment[RunnerConfiguration.EnvironmentVariable] = dotnetEnvironment;
        }

        if (aspNetCoreEnvironment is not null)
        {
            environment["ASPNETCORE_ENVIRONMENT"] = aspNetCoreEnvironment;
        }

        var name = option ?? dotnetEnvironment ?? aspNetCoreEnvironment;
        var result = await RunWithoutDevelopmentDatabaseAsync(environment, option is null ? ["status"] : ["status", "-e", option]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith($"error: no connection string configured for the {name} environment", result.Error, StringComparison.Ordinal);
        Assert.Contains("--connection", result.Error, StringComparison.Ordinal);
        Assert.Contains("DATABASE_CONNECTION_STRING", result.Error, StringComparison.Ordinal);
        Assert.Contains($"appsettings.{name}.json", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("development database app_dev", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_environment_comes_from_the_option_then_DOTNET_ENVIRONMENT_then_ASPNETCORE_ENVIRONMENT()
    {
        var database = await db.CreateDatabaseAsync();
        var aspNetProduction = new Dictionary<string, string>
        {
            [RunnerConfiguration.ConnectionStringVariable] = database,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var dotnetDevelopment = new Dictionary<string, string>(aspNetProduction)
        {
            [RunnerConfiguration.EnvironmentVariable] = "Development",
        };

        var fromAspNet = await Cli.RunWithAsync(aspNetProduction, null, "down", "--to", "0");
        var dotnetWins = await Cli.RunWithAsync(dotnetDevelopment, null, "down", "--to", "0");
        var optionWins = await Cli.RunWithAsync(aspNetProduction, null, "down", "--to", "0", "-e", "Development");

        Assert.Equal(ExitCodes.Usage, fromAspNet.ExitCode);
        Assert.Contains(
            "refusing to revert migrations in the Production environment without --yes", fromAspNet.Error, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_ENVIRONMENT", fromAspNet.Error, StringComparison.Ordinal);
        Assert.True(dotnetWins.ExitCode == ExitCodes.Success, dotnetWins.ToString());
        Assert.True(optionWins.ExitCode == ExitCodes.Success, optionWins.ToString());
    }

    [Theory]
    [InlineData("Prod")]
    [InlineData("prod")]
    [InlineData("Live")]
    [InlineData("Staging")]
    [InlineData("Test")]
    [InlineData("Production-EU")]
    public async Task Rollback_in_an_environment_that_is_not_local_needs_yes_however_it_is_spelt(string environment)
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var before = await Db.AppliedVersionsAsync(database);

        var refused = await Cli.RunAsync(database, "rollback", "-e", environment);
        var confirmed = await Cli.RunAsync(database, "rollback", "-e", environment, "--yes");

        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.StartsWith(
            $"error: refusing to roll back in the {environment} environment without --yes", refused.Error, StringComparison.Ordinal);
        Assert.Contains("next: rerun with --yes", refused.Error, StringComparison.Ordinal);
        Assert.True(confirmed.ExitCode == ExitCodes.Success, confirmed.ToString());
        Assert.Equal(before.SkipLast(1), await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Development_and_Local_in_any_case_run_destructive_verbs_unconfirmed_and_other_names_do_not()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var before = await Db.AppliedVersionsAsync(database);

        var development = await Cli.RunAsync(database, "rollback", "-e", "development");
        var local = await Cli.RunAsync(database, "rollback", "-e", "LOCAL");
        var dev = await Cli.RunAsync(database, "rollback", "-e", "Dev");

        Assert.True(development.ExitCode == ExitCodes.Success, development.ToString());
        Assert.True(local.ExitCode == ExitCodes.Success, local.ToString());
        Assert.Equal(ExitCodes.Usage, dev.ExitCode);
        Assert.Contains("only Development and Local run destructive verbs unconfirmed", dev.Error, StringComparison.Ordinal);
        Assert.Equal(before.SkipLast(2), await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Down_baseline_force_and_repair_need_yes_outside_the_local_environments()
    {
        var migrated = await db.CreateMigratedDatabaseAsync();
        var empty = await db.CreateDatabaseAsync();
        var before = await Db.AppliedVersionsAsync(migrated);

        var down = await Cli.RunAsync(migrated, "down", "--to", "0", "-e", "Staging");
        var baseline = await Cli.RunAsync(empty, "baseline", "--version", "1", "--force", "-e", "Staging");
        // Stands in for an edit of migration 1 since it ran, so that repair has something to accept.
        await Db.ExecuteAsync(migrated, """UPDATE "VersionInfoChecksums" SET "Checksum" = 'ab' WHERE "Version" = 1""");
        var repair = await Cli.RunAsync(migrated, "repair", "--accept", "1", "-e", "Staging");
        var recordedByAfterRefusal = await Db.ScalarAsync<string>(migrated, RecordedBy1);
        var repairConfirmed = await Cli.RunAsync(migrated, "repair", "--accept", "1", "-e", "Staging", "--yes");

        Assert.Equal(ExitCodes.Usage, down.ExitCode);
        Assert.Contains("refusing to revert migrations in the Staging environment without --yes", down.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, baseline.ExitCode);
        Assert.Contains("refusing to baseline in the Staging environment without --yes", baseline.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, repair.ExitCode);
        Assert.Contains(
            "refusing to accept changed migrations in the Staging environment without --yes", repair.Error, StringComparison.Ordinal);
        Assert.NotEqual("repair", recordedByAfterRefusal);
        Assert.True(repairConfirmed.ExitCode == ExitCodes.Success, repairConfirmed.ToString());
        Assert.Equal("repair", await Db.ScalarAsync<string>(migrated, RecordedBy1));
        Assert.Equal(before, await Db.AppliedVersionsAsync(migrated));
        Assert.Empty(await Db.AppliedVersionsAsync(empty));
    }

    // The development database would live under a file, where it cannot be created: should a run reach for it, it
    // fails at once instead of starting a server.
    private static async Task<CliResult> RunWithoutDevelopmentDatabaseAsync(Dictionary<string, string> environment, params string[] args)
    {
        var file = Path.GetTempFileName();
        try
        {
            environment[DevDatabase.DirectoryVariable] = Path.Combine(file, DevDatabase.FolderName);
            return await Cli.RunWithAsync(environment, Path.GetTempPath(), args);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
