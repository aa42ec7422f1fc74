using Migrations.Runner.History;
using Migrations.Runner.Planning;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>Reading what the bookkeeping says, and overlapping that with the CPU work a run does first.</summary>
internal static class RunState
{
    /// <summary>The bookkeeping as found, on any connection; INVALID indexes only when asked (up).</summary>
    public static Task<HistoryFacts> ReadAsync(
        NpgsqlConnection connection, VersionTable table, bool withInvalidIndexes, CancellationToken cancellationToken) =>
        ReadAsync(connection, () => table, withInvalidIndexes, cancellationToken);

    /// <summary>
    /// As above, asking for the version table (which needs the scanned catalog) only after reading the checksums, whose
    /// table is fixed: a run whose catalog is still being built on another thread reads meanwhile.
    /// </summary>
    public static async Task<HistoryFacts> ReadAsync(
        NpgsqlConnection connection, Func<VersionTable> table, bool withInvalidIndexes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var stored = await ChecksumStore.ReadAsync(connection, cancellationToken);
        var history = await VersionHistory.ReadHistoryAsync(connection, table(), cancellationToken);
        var complete = await VersionHistory.TablesCompleteAsync(connection, table(), cancellationToken);
        var invalid = withInvalidIndexes ? await InvalidIndexes.FindAsync(connection, cancellationToken) : [];
        return new HistoryFacts(history.Applied, stored, invalid, complete) { TableExists = history.TableExists };
    }

    /// <summary>
    /// Objects a database holds outside the system schemas and outside extensions: what a database built by hand, or by
    /// another tool, has before this runner ever recorded anything. The first few names, and how many there are.
    /// </summary>
    public static async Task<(int Count, IReadOnlyList<string> First)> UnrecordedObjectsAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH found AS (
                SELECT format('%I.%I', n.nspname, c.relname) AS name, c.oid, 'pg_class'::regclass AS catalog
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relname NOT IN ('VersionInfo', 'VersionInfoChecksums')
                  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
                UNION ALL
                SELECT format('%I.%I()', n.nspname, p.proname), p.oid, 'pg_proc'::regclass
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
                UNION ALL
                SELECT format('%I.%I', n.nspname, t.typname), t.oid, 'pg_type'::regclass
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typtype IN ('e', 'd', 'r', 'm') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
            )
            SELECT name, count(*) OVER () FROM found f
            WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = f.catalog AND d.objid = f.oid AND d.deptype = 'e')
            ORDER BY name LIMIT 5
            """, connection);
        var names = new List<string>();
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
            count = (int)reader.GetInt64(1);
        }

        return (count, names);
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
