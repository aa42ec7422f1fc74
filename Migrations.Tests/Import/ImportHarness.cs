using System.Collections.Concurrent;
using Migrations.Runner.Catalog;
using Migrations.Runner.Import;
using Migrations.Runner.Schema;
using Migrations.Runner.Services;
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
    /// Up one version at a time from empty, then down one at a time to <paramref name="downTo"/>, each down compared with the
    /// schema before its up, then up again to the end, compared with the first time. Returns what differed.
    /// </summary>
    public static async Task<List<string>> RoundTripAsync(string database, MigrationService service, long downTo)
    {
        var versions = service.Catalog().Select(m => m.Version).ToList();
        var snapshots = new Dictionary<long, SchemaSnapshot> { [0] = await Db.SnapshotAsync(database) };
        foreach (var version in versions)
        {
            await service.UpAsync(version);
            snapshots[version] = await Db.SnapshotAsync(database);
        }

        var failures = new List<string>();
        var below = versions.Prepend(0).ToList();
        for (var i = versions.Count - 1; i >= 0 && versions[i] > downTo; i--)
        {
            await service.RollbackAsync(1);
            var differences = SchemaComparer.Compare(snapshots[below[i]], await Db.SnapshotAsync(database));
            if (differences.Count > 0)
            {
                failures.Add($"down of {versions[i]} differs from {below[i]}:\n" + Db.Describe(differences));
            }
        }

        await service.UpAsync(null);
        var again = SchemaComparer.Compare(snapshots[versions[^1]], await Db.SnapshotAsync(database));
        if (again.Count > 0)
        {
            failures.Add("up again differs from the first up:\n" + Db.Describe(again));
        }

        return failures;
    }
}
