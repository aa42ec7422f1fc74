using System.Reflection;
using System.Runtime.Loader;
using FluentMigrator;
using Migrations.Runner.Development;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>The scaffolder and the zero-config development database, tried as a new user meets them.</summary>
public sealed class DevelopmentToolsTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("Add <widgets> & \"gadgets\"", "M0001_AddWidgetsGadgets")]
    [InlineData("Ajouter élément", "M0001_AjouterÉlément")]
    [InlineData("Добавить таблицу", "M0001_ДобавитьТаблицу")]
    public void New_writes_a_class_that_builds_and_keeps_the_title_whatever_it_holds(string title, string className)
    {
        var folder = Directory.CreateTempSubdirectory("new-title-").FullName;

        var result = MigrationScaffolder.Create(folder, title, withSql: false);
        var compiled = Compiler.Compile("Scaffolded", result.Files);

        Assert.Equal(className, result.ClassName);
        Assert.True(compiled.AssemblyPath is not null, string.Join("\n", compiled.Diagnostics));
        var type = Assert.Single(LoadTypes(compiled.AssemblyPath), t => t.Name == className);
        Assert.Equal(title, type.GetCustomAttribute<MigrationAttribute>()!.Description);
    }

    [Fact]
    public async Task An_unwritten_migration_shows_in_status_and_up_refuses_it_before_anything_runs()
    {
        var folder = Directory.CreateTempSubdirectory("new-stub-").FullName;
        var written = await Cli.RunWithAsync(null, folder, "new", "Add widgets table", "--directory", folder);
        var assembly = Compiler.Compile("Stub", Directory.GetFiles(folder, "*.cs")).AssemblyPath;
        var database = await db.CreateDatabaseAsync();

        var status = await Cli.RunAsync(database, "status", "--assembly", assembly!);
        var up = await Cli.RunAsync(database, "up", "--assembly", assembly!);

        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("pending", status.Out, StringComparison.Ordinal);
        Assert.Equal(1, up.ExitCode);
        Assert.Contains("error: migration 1 M0001_AddWidgetsTable is not written yet", up.Error, StringComparison.Ordinal);
        Assert.Empty(await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task An_unwritten_sql_migration_fails_where_it_runs_and_is_not_recorded()
    {
        var folder = Directory.CreateTempSubdirectory("new-sql-stub-").FullName;
        var result = MigrationScaffolder.Create(folder, "Backfill names", withSql: true);
        var scripts = Directory.GetFiles(Path.Combine(folder, "Scripts")).Select(f => (f, "Scripts." + Path.GetFileName(f)));
        var assembly = Compiler.Compile("SqlStub", [result.Files[0]], scripts).AssemblyPath;
        var database = await db.CreateDatabaseAsync();

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly!);

        Assert.Equal(1, up.ExitCode);
        Assert.Contains($"{result.ClassName}.up.sql is not written yet", up.Error, StringComparison.Ordinal);
        Assert.Empty(await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Outside_the_repository_the_development_database_stays_in_the_runners_repository()
    {
        var outside = Directory.CreateTempSubdirectory("not-a-repository-").FullName;

        var location = await DevDatabase.LocateAsync(outside, _ => null);

        Assert.StartsWith(Repository.Root, location.Directory, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(outside, DevDatabase.FolderName)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Zero_config_up_works_in_a_repository_below_a_private_folder()
    {
        var parent = Directory.CreateTempSubdirectory("private-home-").FullName;
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var repository = Directory.CreateDirectory(Path.Combine(parent, "repo")).FullName;
        await File.WriteAllTextAsync(Path.Combine(repository, "Database.sln"), "");

        var up = await Cli.RunWithAsync(null, repository, "up");
        var drop = await Cli.RunWithAsync(null, repository, "devdb", "drop");

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Contains("Applied", up.Out, StringComparison.Ordinal);
        Assert.True(drop.ExitCode == 0, drop.ToString());
        Assert.False(Directory.Exists(Path.Combine(repository, DevDatabase.FolderName, "data")), "a cluster the server cannot reach");
        if (Environment.IsPrivilegedProcess && !DockerProbe.Answers())
        {
            Assert.Contains("the postgres user cannot reach " + repository, up.Error, StringComparison.Ordinal);
        }
    }

    // Only root can put the server's data where the server's user cannot go; CI runs as root.
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_cluster_that_cannot_start_says_why_on_lines_of_their_own()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        var parent = Directory.CreateTempSubdirectory("unreachable-devdb-").FullName;
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string> { [DevDatabase.DirectoryVariable] = Path.Combine(parent, "devdb") };

        var status = await Cli.RunWithAsync(environment, parent, "status");

        Assert.Equal(1, status.ExitCode);
        var lines = status.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = "error: cannot start the local development database in " + environment[DevDatabase.DirectoryVariable];
        Assert.StartsWith(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("initdb:", lines[0], StringComparison.Ordinal);
        Assert.Contains(
            lines, l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains("Permission denied", StringComparison.Ordinal));
        Assert.StartsWith("next: ", lines[^1], StringComparison.Ordinal);
    }

    private static Type[] LoadTypes(string path)
    {
        var context = new AssemblyLoadContext("scaffolded", isCollectible: true);
        return context.LoadFromAssemblyPath(path).GetExportedTypes();
    }
}
