using Migrations.Runner.Cli;
using Migrations.Runner.Development;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>Usage errors, help, validate, new, and the zero-config development database.</summary>
public class CommandLineTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("bogus")]
    [InlineData("up", "--bogus")]
    [InlineData("up", "--to", "abc")]
    [InlineData("up", "--to", "-1")]
    [InlineData("rollback", "--steps", "0")]
    [InlineData("rollback", "--steps", "-2")]
    [InlineData("down")]
    [InlineData("up", "--lock-timeout", "-5")]
    [InlineData("new")]
    public async Task Bad_command_lines_exit_2_with_a_one_line_error_and_no_stack_trace(params string[] args)
    {
        var result = await Cli.RunWithAsync(null, null, args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--assembly", "/no/such/file.dll", "no such file")]
    [InlineData("--connection", "Host=;Database=x", "names no Host")]
    [InlineData("--connection", "Nonsense=1", "malformed")]
    public async Task Bad_values_exit_2_with_what_is_wrong(string option, string value, string expected)
    {
        var database = await db.CreateDatabaseAsync();

        var result = option == "--connection"
            ? await Cli.RunWithAsync(null, null, "status", option, value)
            : await Cli.RunAsync(database, "status", option, value);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assembly_without_migrations_is_refused()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "status", "--assembly", typeof(Xunit.FactAttribute).Assembly.Location);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("holds no [Migration] classes", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connection_string_comes_from_the_option_then_the_variable_then_appsettings_of_the_environment_then_appsettings()
    {
        var folder = Directory.CreateTempSubdirectory("settings-").FullName;
        var fromOption = await db.CreateDatabaseAsync();
        var fromVariable = await db.CreateDatabaseAsync();
        var fromEnvironmentFile = await db.CreateDatabaseAsync();
        var fromFile = await db.CreateDatabaseAsync();
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), Settings(fromFile));
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.Staging.json"), Settings(fromEnvironmentFile));
        var variable = new Dictionary<string, string> { ["DATABASE_CONNECTION_STRING"] = fromVariable };
        try
        {
            await Cli.RunWithAsync(variable, folder, "up", "--to", "1", "--connection", fromOption);
            await Cli.RunWithAsync(variable, folder, "up", "--to", "2");
            await Cli.RunWithAsync(null, folder, "up", "--to", "3", "--environment", "Staging");
            await Cli.RunWithAsync(null, folder, "up", "--to", "4");

            Assert.Equal([1L], await Db.AppliedVersionsAsync(fromOption));
            Assert.Equal([1L, 2], await Db.AppliedVersionsAsync(fromVariable));
            Assert.Equal([1L, 2, 3], await Db.AppliedVersionsAsync(fromEnvironmentFile));
            Assert.Equal([1L, 2, 3, 4], await Db.AppliedVersionsAsync(fromFile));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static string Settings(string connectionString) =>
            System.Text.Json.JsonSerializer.Serialize(new { ConnectionStrings = new { Default = connectionString } });
    }

    [Fact]
    public async Task A_malformed_appsettings_file_is_a_usage_error()
    {
        var folder = Directory.CreateTempSubdirectory("settings-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "appsettings.json"), "{ not json");
        try
        {
            var result = await Cli.RunWithAsync(null, folder, "status");

            Assert.Equal(ExitCodes.Usage, result.ExitCode);
            Assert.Contains("appsettings.json is not valid JSON", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Help_lists_every_verb()
    {
        var result = await Cli.RunWithAsync(null, null, "--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        foreach (var verb in new[] { "up", "down", "rollback", "status", "validate", "preview", "new", "devdb" })
        {
            Assert.Matches($@"(?m)^\s+{verb}\s", result.Out);
        }
    }

    [Fact]
    public async Task Validate_passes_on_a_migrated_database()
    {
        var database = await db.CreateMigratedDatabaseAsync();

        var result = await Cli.RunAsync(database, "validate");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("no problems", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_collects_every_problem_and_exits_3()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, """
            DELETE FROM "VersionInfo" WHERE "Version" = 5;
            INSERT INTO "VersionInfo" ("Version", "AppliedOn", "Description") VALUES (9999, now(), 'From a newer build');
            CREATE TABLE invalid_index_demo (id int);
            INSERT INTO invalid_index_demo VALUES (1), (1);
            """);
        // A unique index build that fails leaves the index INVALID only when built concurrently.
        var failed = await Record.ExceptionAsync(() => Db.ExecuteAsync(database, "CREATE UNIQUE INDEX CONCURRENTLY invalid_index_demo_idx ON invalid_index_demo (id)"));
        Assert.NotNull(failed);

        var result = await Cli.RunAsync(database, "validate");

        Assert.Equal(ExitCodes.CheckFailed, result.ExitCode);
        Assert.Contains("[out-of-order] version 5 is pending", result.Out, StringComparison.Ordinal);
        Assert.Contains("[unknown-applied] version 9999", result.Out, StringComparison.Ordinal);
        Assert.Contains("[invalid-index] index public.invalid_index_demo_idx is INVALID", result.Out, StringComparison.Ordinal);
        Assert.Contains("3 problems", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_scaffolds_the_next_numbered_class_and_refuses_a_duplicate()
    {
        var folder = Directory.CreateTempSubdirectory("new-migration-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "M0007_Existing.cs"), "// placeholder");

        var created = await Cli.RunWithAsync(null, folder, "new", "Add widgets table", "--directory", folder);
        var duplicate = await Cli.RunWithAsync(null, folder, "new", "add widgets TABLE", "--directory", folder);
        var withSql = await Cli.RunWithAsync(null, folder, "new", "Backfill widget names", "--sql", "--directory", folder);

        Assert.Equal(ExitCodes.Success, created.ExitCode);
        Assert.Equal("M0008_AddWidgetsTable.cs", created.Out.Trim());
        var source = await File.ReadAllTextAsync(Path.Combine(folder, "M0008_AddWidgetsTable.cs"));
        Assert.Contains("[Migration(8, \"Add widgets table\")]", source, StringComparison.Ordinal);
        Assert.Contains("public sealed class M0008_AddWidgetsTable : Migration", source, StringComparison.Ordinal);
        Assert.Contains("public override void Down()", source, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, duplicate.ExitCode);
        Assert.Contains("exists already: M0008_AddWidgetsTable.cs", duplicate.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, withSql.ExitCode);
        Assert.True(File.Exists(Path.Combine(folder, "Scripts", "M0009_BackfillWidgetNames.up.sql")));
        Assert.True(File.Exists(Path.Combine(folder, "Scripts", "M0009_BackfillWidgetNames.down.sql")));
        Assert.Contains("Execute.EmbeddedScript(\"Scripts.M0009_BackfillWidgetNames.down.sql\")", await File.ReadAllTextAsync(Path.Combine(folder, "M0009_BackfillWidgetNames.cs")), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Zero_config_up_starts_a_local_development_database_and_reuses_it()
    {
        // Not CreateTempSubdirectory: its mode 700 would keep the postgres user out when the tests run as root.
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "devdb-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var environment = new Dictionary<string, string> { [DevDatabase.DirectoryVariable] = Path.Combine(folder, ".devdb") };
        try
        {
            var up = await Cli.RunWithAsync(environment, folder, "up");
            var status = await Cli.RunWithAsync(environment, folder, "status", "--check");
            var production = await Cli.RunWithAsync(new Dictionary<string, string>(environment) { ["DOTNET_ENVIRONMENT"] = "Production" }, folder, "status");

            Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
            Assert.Contains("using the local development database app_dev", up.Error, StringComparison.Ordinal);
            Assert.Contains("--connection or DATABASE_CONNECTION_STRING", up.Error, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Success, status.ExitCode);
            Assert.Contains("UP TO DATE", status.Out, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Usage, production.ExitCode);
            Assert.Contains("no connection string configured for the Production environment", production.Error, StringComparison.Ordinal);
        }
        finally
        {
            var drop = await Cli.RunWithAsync(environment, folder, "devdb", "drop");
            Assert.Equal(ExitCodes.Success, drop.ExitCode);
            Assert.False(Directory.Exists(Path.Combine(folder, ".devdb")));
            Directory.Delete(folder, recursive: true);
        }
    }
}
