using Migrations.Runner.Catalog;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.NoOpSpeed;

/// <summary>
/// A no-op status has no cache to go stale: the SQL of every migration is built again on every run, so an external
/// script edited after it ran shows as CHANGED on the next run, and an embedded one read straight from the
/// assembly's file (an assembly of many resources) hashes as it did when it ran.
/// </summary>
public sealed class EditedScriptTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task An_external_script_edited_after_it_ran_shows_as_changed_and_the_embedded_one_beside_it_does_not()
    {
        var folder = Directory.CreateTempSubdirectory("edited-script-").FullName;
        var external = Path.Combine(folder, "external.sql");
        var embedded = Path.Combine(folder, "embedded.sql");
        var source = Path.Combine(folder, "Edited.cs");
        await File.WriteAllTextAsync(external, "CREATE TABLE edited_external (id int);\n");
        await File.WriteAllTextAsync(embedded, "CREATE TABLE edited_embedded (id int);\n");
        await File.WriteAllTextAsync(source, $$"""
            using FluentMigrator;

            namespace Edited;

            [Migration(1)]
            public sealed class M0001_Embedded : Migration
            {
                public override void Up() => Execute.EmbeddedScript("Scripts.embedded.sql");

                public override void Down() => Execute.Sql("DROP TABLE edited_embedded");
            }

            [Migration(2)]
            public sealed class M0002_External : Migration
            {
                public override void Up() => Execute.Script(@"{{external}}");

                public override void Down() => Execute.Sql("DROP TABLE edited_external");
            }
            """);
        // Enough resources that the embedded script is read from the assembly's file, not through the runtime.
        var fillers = Enumerable.Range(0, EmbeddedScriptIndex.DirectReadFrom).Select(i => (external, $"Filler.{i}.sql"));
        var assembly = Compiler.Compile("Edited", [source], [(embedded, "Scripts.embedded.sql"), .. fillers]).AssemblyPath!;
        var database = await db.CreateDatabaseAsync();

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly);
        var before = await Cli.RunAsync(database, "status", "--check", "--assembly", assembly);
        await File.WriteAllTextAsync(external, "CREATE TABLE edited_external (id bigint);\n");
        var after = await Cli.RunAsync(database, "status", "--check", "--assembly", assembly);

        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.True(before.ExitCode == ExitCodes.Success, before.ToString());
        Assert.True(after.ExitCode == ExitCodes.CheckFailed, after.ToString());
        Assert.Matches(@"CHANGED\s+2\s", after.Out);
        Assert.DoesNotMatch(@"CHANGED\s+1\s", after.Out);
    }
}
