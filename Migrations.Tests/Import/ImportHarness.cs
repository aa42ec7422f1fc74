using System.Collections.Concurrent;
using Migrations.Runner.Catalog;
using Migrations.Runner.Import;
using Migrations.Runner.Verification;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Import;

/// <summary>An imported fixture: what the command printed, where it wrote, and the compiled set.</summary>
internal sealed record Imported(CliResult Result, string Output, MigrationSet Set, string AssemblyPath);

/// <summary>An import run as a user runs it (the real command line), its output compiled as a developer's build compiles it.</summary>
internal static class ImportHarness
{
    public static string Fixture(string name) => Path.Combine(Repository.Root, "Migrations.Tests", "Import", "Fixtures", name);

    private static readonly ConcurrentDictionary<string, Lazy<Task<Imported>>> Cache = new(StringComparer.Ordinal);

    /// <summary>A fixture imported with no options and compiled, once per test run: the classes that only read it share it.</summary>
    public static Task<Imported> ImportedAsync(string fixture) =>
        Cache.GetOrAdd(fixture, f => new Lazy<Task<Imported>>(async () =>
        {
            var (result, output) = await ImportAsync(f);
            Assert.True(result.ExitCode == 0, result.ToString());
            var (set, path) = CompileToPath(output);
            return new Imported(result, output, set, path);
        })).Value;

    public static async Task<(CliResult Result, string Output)> ImportAsync(string fixture, params string[] extra)
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("import-").FullName, "out");
        var result = await Cli.RunWithAsync(null, null, ["import", "--from", Fixture(fixture), "--output", output, .. extra]);
        return (result, output);
    }

    /// <summary>Compiles an imported project's classes with its embedded scripts, as its csproj embeds them.</summary>
    public static MigrationSet Compile(string output, string? name = null) => CompileToPath(output, name).Set;

    public static (MigrationSet Set, string Path) CompileToPath(string output, string? name = null)
    {
        var sources = Directory.GetFiles(Path.Combine(output, "Migrations"), "*.cs");
        var compiled = Infrastructure.Compiler.Compile(
            name ?? "Imported_" + Guid.NewGuid().ToString("N")[..8], sources, Resources(Path.Combine(output, "legacy-sql")));
        Assert.True(compiled.AssemblyPath is not null, string.Join("\n", compiled.Diagnostics));
        return (MigrationSet.Load([compiled.AssemblyPath!]), compiled.AssemblyPath!);
    }

    public static IEnumerable<(string Path, string ResourceName)> Resources(string legacySql) =>
        Directory.GetFiles(legacySql, "*.sql").Select(f => (f, "LegacySql." + Path.GetFileName(f)))
            .Concat(Directory.GetFiles(Path.Combine(legacySql, "rollback"), "*.sql")
                .Select(f => (f, "LegacySql.rollback." + Path.GetFileName(f))))
            .Append((Path.Combine(legacySql, ImportManifest.FileName), ImportManifest.ResourceName));

    /// <summary>
    /// The verify verb's round trip of every version above <paramref name="downTo"/> (those at or below it have no
    /// rollback; they are applied first, unchecked), on scratch databases of the same server; then every migration up on
    /// <paramref name="database"/>. Returns what failed, described.
    /// </summary>
    public static async Task<List<string>> RoundTripAsync(string database, MigrationSet set, long downTo)
    {
        var failures = new List<string>();
        var checkedFrom = set.Entries.Select(m => m.Version).Where(v => v > downTo).DefaultIfEmpty().Min();
        if (checkedFrom > 0)
        {
            var report = await new RoundTripService(set, database).VerifyAsync(from: checkedFrom);
            failures.AddRange(report.Failures.Select(f => Db.Describe([f])));
        }

        await Db.Service(database, set).UpAsync(null);
        return failures;
    }
}
