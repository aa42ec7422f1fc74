using System.Security.Cryptography;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Migrations.Runner.Catalog;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Import;

/// <summary>
/// <c>import --output .</c> in a copy of this repository: the files continue its numbering, its SHA256SUMS and audit
/// keep every line they had, and the Migrations project, rebuilt with its lexer, migrates and round-trips the new range.
/// </summary>
public sealed class ImportAppendTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Importing_into_this_repository_appends_after_its_last_version_in_its_own_idioms()
    {
        var root = Directory.CreateTempSubdirectory("import-repo-").FullName;
        Copy(Repository.LegacySql, Path.Combine(root, "legacy-sql"));
        Copy(Path.Combine(Repository.Root, "Migrations"), Path.Combine(root, "Migrations"));
        var last = MigrationSet.Default.Entries.Max(m => m.Version);
        var sums = File.ReadAllText(Path.Combine(root, "legacy-sql", "SHA256SUMS"));
        var readme = File.ReadAllText(Path.Combine(root, "legacy-sql", "README.md"));

        var result = await Cli.RunWithAsync(null, root, "import", "--from", ImportHarness.Fixture("dbmate"), "--output", ".");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Appended migrations {last + 1}..", result.Out, StringComparison.Ordinal);
        Assert.StartsWith(sums, File.ReadAllText(Path.Combine(root, "legacy-sql", "SHA256SUMS")), StringComparison.Ordinal);
        Assert.StartsWith(readme, File.ReadAllText(Path.Combine(root, "legacy-sql", "README.md")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, "legacy-sql", $"{last + 1:000}_create_items.sql")));
        var concurrent = File.ReadAllText(Directory.GetFiles(Path.Combine(root, "Migrations"), $"M{last + 2:0000}_*.cs").Single());
        Assert.Contains(": StatementByStatementMigration", concurrent, StringComparison.Ordinal);
        Assert.Contains("ExecuteEachStatement(", concurrent, StringComparison.Ordinal);
        foreach (var line in File.ReadAllLines(Path.Combine(root, "legacy-sql", "SHA256SUMS")))
        {
            var bytes = File.ReadAllBytes(Path.Combine(root, "legacy-sql", line[66..]));
            Assert.Equal(line[..64], Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        var set = MigrationSet.Load([CompileRepository(root)]);
        var database = await db.CreateDatabaseAsync();
        var failures = await ImportHarness.RoundTripAsync(database, set, last);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    // The Migrations project as its csproj builds it, on the lexer of Migrations.Authoring: the built Migrations.dll must
    // not be referenced, or its LegacyScript (reading its own resources) would be the one run.
    private static string CompileRepository(string root)
    {
        var sources = Directory.GetFiles(Path.Combine(root, "Migrations"), "*.cs")
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f))
            .Append(CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.IO; "
                + "global using System.Linq;"));
        var own = new[] { "Migrations.dll", "Migrations.Runner.dll", "Migrations.Tests.dll" };
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !own.Contains(Path.GetFileName(p)))
            .Append(typeof(FluentMigrator.Migration).Assembly.Location)
            .Append(typeof(FluentMigrator.MigrationAttribute).Assembly.Location)
            .Append(typeof(Authoring.SqlLexer).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var name = "ImportedRepository_" + Guid.NewGuid().ToString("N")[..8];
        var compilation = CSharpCompilation.Create(name, sources, references, new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var path = Path.Combine(Directory.CreateTempSubdirectory("compiled-").FullName, name + ".dll");
        var resources = ImportHarness.Resources(Path.Combine(root, "legacy-sql"))
            .Select(r => new ResourceDescription(r.ResourceName, () => File.OpenRead(r.Path), isPublic: true));
        using (var output = File.Create(path))
        {
            var emitted = compilation.Emit(output, manifestResources: resources);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return path;
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
