using Migrations.Runner.Catalog;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>A database built by hand, never recorded by this runner, is not migrated over blindly.</summary>
public sealed class UnrecordedDatabaseTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Up_refuses_a_database_that_holds_objects_but_no_VersionInfo_and_names_them()
    {
        var database = await db.CreateDatabaseAsync();
        await Db.ExecuteAsync(
            database, "CREATE TABLE hand_made (id integer); CREATE FUNCTION hand_made_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';");

        var up = await Cli.RunAsync(database, "up");

        Assert.Equal(1, up.ExitCode);
        CliOutput.AssertOneLineError(up);
        Assert.Contains("2 objects (public.hand_made, public.hand_made_fn()) but no VersionInfo", up.Error, StringComparison.Ordinal);
        Assert.Contains("baseline --version", up.Error, StringComparison.Ordinal);
        Assert.Null(await Db.ScalarAsync<string>(database, """SELECT to_regclass('"VersionInfo"')::text"""));
    }

    [Fact]
    public async Task Up_runs_on_a_database_that_holds_only_extensions()
    {
        var database = await db.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, "CREATE EXTENSION IF NOT EXISTS pgcrypto");

        var up = await Cli.RunAsync(database, "up");

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Equal(MigrationSet.Default.Entries.Select(m => m.Version), await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task An_empty_embedded_script_runs_as_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("empty-script-").FullName;
        var source = Path.Combine(folder, "Empty.cs");
        await File.WriteAllTextAsync(source, """
            using FluentMigrator;

            namespace Empty;

            [Migration(1)]
            public sealed class M0001_Empty : Migration
            {
                public override void Up() => Execute.EmbeddedScript("Scripts.empty.sql");

                public override void Down() => Execute.EmbeddedScript("Scripts.comments.sql");
            }
            """);
        var empty = Path.Combine(folder, "empty.sql");
        var comments = Path.Combine(folder, "comments.sql");
        await File.WriteAllTextAsync(empty, "");
        await File.WriteAllTextAsync(comments, "-- nothing to undo\n/* really nothing */\n");
        var assembly = Compiler.Compile("Empty", [source], [(empty, "Scripts.empty.sql"), (comments, "Scripts.comments.sql")])
            .AssemblyPath!;
        var database = await db.CreateDatabaseAsync();

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly);
        var down = await Cli.RunAsync(database, "down", "--to", "0", "--assembly", assembly);

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Empty(await Db.AppliedVersionsAsync(database));
    }
}
