using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Unit;

/// <summary>The limits the repository keeps on its own C# source, which no compiler checks.</summary>
public sealed class SourceStyleTests
{
    private const int LineLimit = 140;
    private const int RunnerFileLimit = 400;

    [Fact]
    public void Every_line_of_CSharp_source_is_within_140_characters()
    {
        var long_ = SourceFiles()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Number: i + 1, line.Length)))
            .Where(l => l.Length > LineLimit)
            .Select(l => $"{Path.GetRelativePath(Repository.Root, l.File)}:{l.Number} ({l.Length})")
            .ToList();

        Assert.True(long_.Count == 0, $"lines over {LineLimit} characters:\n" + string.Join("\n", long_));
    }

    [Fact]
    public void No_source_file_of_the_runner_is_over_400_lines()
    {
        var runner = Path.Combine(Repository.Root, "Migrations.Runner") + Path.DirectorySeparatorChar;
        var large = SourceFiles()
            .Where(f => f.StartsWith(runner, StringComparison.Ordinal))
            .Select(f => (File: f, Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > RunnerFileLimit)
            .Select(f => $"{Path.GetRelativePath(Repository.Root, f.File)} ({f.Lines} lines)")
            .ToList();

        Assert.True(large.Count == 0, "runner files over 400 lines (split them by what they do):\n" + string.Join("\n", large));
    }

    // The projects' own sources: what the build compiles, not what it generates (bin, obj) or the benchmark writes (out).
    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Repository.Root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(Repository.Root, f).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or "out" or ".git" or ".devdb" or "node_modules" || part.StartsWith('.')));
}
