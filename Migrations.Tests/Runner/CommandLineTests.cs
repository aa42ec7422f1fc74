using System.Text.RegularExpressions;
using Migrations.Runner.Cli;
using Migrations.Runner.Development;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>Where the connection string comes from, help, validate, new, and the zero-config development database.</summary>
public class CommandLineTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
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
    public async Task Help_lists_every_verb_and_the_help_of_each_verb_and_subcommand_exits_0()
    {
        var verbs = RunnerCli.Build(new RunnerConsole(TextWriter.Null, TextWriter.Null, _ => null, Path.GetTempPath())).Subcommands;
        Assert.NotEmpty(verbs);

        var help = await Cli.RunWithAsync(null, null, "--help");

        Assert.True(help.ExitCode == ExitCodes.Success, help.ToString());
        var listed = help.Out[help.Out.IndexOf("Commands:", StringComparison.Ordinal)..];
        foreach (var verb in verbs)
        {
            Assert.Matches($@"(?m)^  {Regex.Escape(verb.Name)}\b.*{Regex.Escape(verb.Description!)}$", listed);
        }

        foreach (var path in verbs.SelectMany(v => v.Subcommands.Select(s => new[] { v.Name, s.Name }).Prepend([v.Name])))
        {
            var own = await Cli.RunWithAsync(null, null, [.. path, "--help"]);

            Assert.True(own.ExitCode == ExitCodes.Success, $"{string.Join(' ', path)} --help: {own}");
            Assert.Matches($@"Usage:\s+\S+ {Regex.Escape(string.Join(' ', path))}\b", own.Out);
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
        var failed = await Record.ExceptionAsync(
            () => Db.ExecuteAsync(database, "CREATE UNIQUE INDEX CONCURRENTLY invalid_index_demo_idx ON invalid_index_demo (id)"));
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
        Assert.Contains(
            "Execute.EmbeddedScript(\"Scripts.M0009_BackfillWidgetNames.down.sql\")",
            await File.ReadAllTextAsync(Path.Combine(folder, "M0009_BackfillWidgetNames.cs")),
            StringComparison.Ordinal);
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
            var productionEnvironment = new Dictionary<string, string>(environment) { ["DOTNET_ENVIRONMENT"] = "Production" };
            var production = await Cli.RunWithAsync(productionEnvironment, folder, "status");

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
