using Migrations.Runner.History;
using Migrations.Runner.Planning;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>Reading what the bookkeeping says, and overlapping that with the CPU work a run does first.</summary>
internal static class RunState
{
    /// <summary>The bookkeeping as found, on any connection; INVALID indexes only when asked (up).</summary>
    public static async Task<HistoryFacts> ReadAsync(
        NpgsqlConnection connection, bool withInvalidIndexes, CancellationToken cancellationToken)
    {
        var history = await VersionHistory.ReadHistoryAsync(connection, cancellationToken);
        var stored = await ChecksumStore.ReadAsync(connection, cancellationToken);
        var complete = await VersionHistory.TablesCompleteAsync(connection, cancellationToken);
        var invalid = withInvalidIndexes ? await InvalidIndexes.FindAsync(connection, cancellationToken) : [];
        return new HistoryFacts(history.Applied, stored, invalid, complete) { TableExists = history.TableExists };
    }

    /// <summary>
    /// Runs <paramref name="work"/> (scanning and hashing the migrations: CPU) while another thread opens the
    /// connection (mostly Npgsql's first use: CPU and a few round trips), so a short run pays for the longer of the two,
    /// not both. When the work fails, the connection is closed and the work's error is the one reported.
    /// </summary>
    public static async Task<(TConnected Connected, TWork Work)> WhileConnectingAsync<TConnected, TWork>(
        Func<Task<TConnected>> connect, Func<TWork> work)
    {
        var connecting = Task.Run(connect);
        TWork result;
        try
        {
            result = work();
        }
        catch
        {
            _ = connecting.ContinueWith(
                async t =>
                {
                    if (t.IsCompletedSuccessfully && t.Result is IAsyncDisposable opened)
                    {
                        await opened.DisposeAsync();
                    }
                },
                TaskScheduler.Default);
            throw;
        }

        return (await connecting, result);
    }
}
