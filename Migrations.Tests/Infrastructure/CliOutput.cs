using System.Globalization;
using System.Text.RegularExpressions;

namespace Migrations.Tests.Infrastructure;

/// <summary>What the runner prints, read the way the tests check it.</summary>
public static partial class CliOutput
{
    /// <summary>
    /// What every error the runner prints must look like: one <c>error: ...</c> line, after at most progress lines
    /// (a lock wait, a note), then only indented details, further <c>error:</c> lines (the parser reports each problem)
    /// and one <c>next:</c>; never a stack trace.
    /// </summary>
    public static void AssertOneLineError(CliResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var progress = lines
            .TakeWhile(
                l => l.StartsWith(
                    "note: ",
                    StringComparison.Ordinal) || l.StartsWith("waiting for the migration lock", StringComparison.Ordinal))
            .Count();
        Assert.True(
            progress < lines.Length && lines[progress].StartsWith("error: ", StringComparison.Ordinal),
            "stderr has no 'error: ' line where expected:\n" + result);
        Assert.All(lines.Skip(progress + 1), l => Assert.Matches("^(error: |next: |  )", l));
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    /// <summary>The first <c>error:</c> line, or the first line when there is none.</summary>
    public static string ErrorLine(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        return stderr.Split('\n').FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal))?.TrimEnd('\r')
            ?? FirstLine(stderr);
    }

    /// <summary>The <c>next:</c> line, or null when there is none.</summary>
    public static string? NextLine(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        return stderr.Split('\n').FirstOrDefault(l => l.StartsWith("next: ", StringComparison.Ordinal))?.TrimEnd('\r');
    }

    public static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split('\n', 2)[0].TrimEnd('\r');
    }

    /// <summary>
    /// The versions a run reports on stdout, one line per migration (<c>  14  M0014_AddWidgetsTable  3 ms</c>), in order.
    /// </summary>
    public static List<long> ReportedVersions(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        return [.. StepLine().Matches(stdout).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
    }

    [GeneratedRegex(@"(?m)^\s+(\d+)\s+[A-Z]\d+_\w+\s+\d+ ms\s*$")]
    private static partial Regex StepLine();
}
