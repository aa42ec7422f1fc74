using System.Diagnostics;

namespace Migrations.Tests.Infrastructure;

/// <summary>Waiting for something another process does.</summary>
public static class Poll
{
    /// <summary>
    /// Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns how long it
    /// took, or null.
    /// </summary>
    public static async Task<TimeSpan?> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await condition())
            {
                return watch.Elapsed;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }

        return null;
    }
}
