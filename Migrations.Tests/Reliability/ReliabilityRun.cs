using System.Globalization;
using System.Text.Json;

namespace Migrations.Tests.Reliability;

/// <summary>
/// How hard the reliability tests push, and where their figures go. The plain test run uses small counts so that the
/// category stays cheap; <c>reliability/run.sh</c> sets the full ones and collects the figures into
/// <c>docs/RELIABILITY.md</c>.
/// </summary>
public static class ReliabilityRun
{
    public const string Category = "Reliability";
    public const string ProcessesVariable = "RELIABILITY_PROCESSES";
    public const string TrialsVariable = "RELIABILITY_TRIALS";
    public const string ResultsVariable = "RELIABILITY_RESULTS";

    private static readonly Lock WriteLock = new();

    /// <summary>Runner processes started at once against one database (K).</summary>
    public static int Processes { get; } = Read(ProcessesVariable, 3, minimum: 2);

    /// <summary>Repetitions of each randomised or racy scenario (T).</summary>
    public static int Trials { get; } = Read(TrialsVariable, 1, minimum: 1);

    /// <summary>Appends one JSON line <c>{"scenario": ..., ...figures}</c> to the results file, when one is named.</summary>
    public static void Record(string scenario, IReadOnlyDictionary<string, object?> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var path = Environment.GetEnvironmentVariable(ResultsVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        var line = new Dictionary<string, object?>(figures.Count + 3)
        {
            ["scenario"] = scenario,
            ["processes"] = Processes,
            ["trials"] = Trials,
        };
        foreach (var (key, value) in figures)
        {
            line[key] = value;
        }

        var json = JsonSerializer.Serialize(line);
        // Test classes run in parallel and each may record from several tasks.
        lock (WriteLock)
        {
            File.AppendAllText(path, json + "\n");
        }
    }

    private static int Read(string variable, int fallback, int minimum)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        // A typo in a count must not quietly shrink a long run to the defaults.
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            throw new InvalidOperationException($"{variable}={text}: expected a whole number, {minimum} or more");
        }

        return value;
    }
}
