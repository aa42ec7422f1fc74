using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Migrations.Tests.Infrastructure.LongestFirstOrderer", "Migrations.Tests")]

namespace Migrations.Tests.Infrastructure;

/// <summary>
/// Starts the test classes that took longest on the last run first (as Jest orders its test files), so that the run
/// does not end on one long class with the other cores idle. Classes the last run did not time keep xUnit's order,
/// ahead of the timed ones; with no record at all (a fresh clone) the order is xUnit's own.
/// </summary>
public sealed class LongestFirstOrderer : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var last = CollectionDurations.ReadLastRun();
        return testCollections.OrderByDescending(c => last.TryGetValue(c.DisplayName, out var seconds) ? seconds : double.MaxValue);
    }
}

/// <summary>
/// Each test collection's wall time from its start to its end, kept beside the test assembly for the next run's
/// <see cref="LongestFirstOrderer"/>. Only an order depends on it: a missing or stale file changes no result.
/// </summary>
internal static class CollectionDurations
{
    private static readonly string FilePath = Path.Combine(AppContext.BaseDirectory, "collection-durations.json");
    private static readonly ConcurrentDictionary<string, long> Started = new();
    private static readonly ConcurrentDictionary<string, double> Measured = new();

    public static Dictionary<string, double> ReadLastRun()
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(FilePath)) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return [];
        }
    }

    public static void Starting(ITestCollection collection) => Started[collection.DisplayName] = Stopwatch.GetTimestamp();

    public static void Finished(ITestCollection collection)
    {
        if (Started.TryGetValue(collection.DisplayName, out var start))
        {
            Measured[collection.DisplayName] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
    }

    /// <summary>Writes this run's times over the last run's, keeping those of collections this run left out (a filter).</summary>
    public static void Save()
    {
        var all = ReadLastRun();
        foreach (var (name, seconds) in Measured)
        {
            all[name] = Math.Round(seconds, 2);
        }

        try
        {
            File.WriteAllText(FilePath, JsonSerializer.Serialize(all));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only output folder: the next run keeps xUnit's order.
        }
    }
}
