using System.Diagnostics;
using System.Text.Json;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>What ships (the Release build of the runner) holds no development tool; what developers run (Debug) does.</summary>
public sealed class ReleaseBuildTests
{
    [Fact]
    public async Task The_release_build_of_the_runner_holds_no_development_tool_while_the_debug_build_does()
    {
        var release = await EvaluateAsync("Release");
        var debug = await EvaluateAsync("Debug");

        Assert.DoesNotContain("Testcontainers.PostgreSql", release.Packages);
        Assert.DoesNotContain(release.Compiled, f => f.StartsWith("Development/", StringComparison.Ordinal));
        Assert.Contains("Testcontainers.PostgreSql", debug.Packages);
        Assert.Contains(debug.Compiled, f => f.StartsWith("Development/", StringComparison.Ordinal));
    }

    // MSBuild's evaluation of the project, without building it: which packages it references and which files it compiles.
    private static async Task<(List<string> Packages, List<string> Compiled)> EvaluateAsync(string configuration)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in new[]
        {
            "msbuild", "Migrations.Runner/Migrations.Runner.csproj", "-p:Configuration=" + configuration,
            "-getItem:PackageReference", "-getItem:Compile",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, output);
        using var json = JsonDocument.Parse(output);
        var items = json.RootElement.GetProperty("Items");
        List<string> Identities(string item) =>
            [.. items.GetProperty(item).EnumerateArray().Select(i => i.GetProperty("Identity").GetString()!.Replace('\\', '/'))];
        return (Identities("PackageReference"), Identities("Compile"));
    }
}
