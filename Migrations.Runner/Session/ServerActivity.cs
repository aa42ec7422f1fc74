using Npgsql;

namespace Migrations.Runner.Session;

/// <summary>What the server says a session is doing (pg_stat_activity), for progress lines.</summary>
/// <param name="State">active, idle in transaction, ...</param>
/// <param name="WaitEvent">e.g. Lock:relation, Timeout:PgSleep, IO:DataFileRead; null when not waiting.</param>
/// <param name="Query">The statement's first line, unless it is one of the runner's pipelined batches.</param>
/// <param name="BlockedBy">The pids holding the lock it waits for (pg_blocking_pids).</param>
/// <param name="Index">A CREATE INDEX in progress (pg_stat_progress_create_index), or null.</param>
public sealed record ServerActivity(string? State, string? WaitEvent, string? Query, IReadOnlyList<int> BlockedBy, IndexProgress? Index);

/// <summary>pg_stat_progress_create_index's row for the session.</summary>
public sealed record IndexProgress(string Command, string Phase, long BlocksDone, long BlocksTotal, long TuplesDone, long TuplesTotal);

/// <summary>Reads a session's activity on a connection of its own: the migration session is busy running the migration.</summary>
public static class ServerActivityReader
{
    private const string Sql = """
        SELECT a.state, a.wait_event_type || ':' || a.wait_event, a.query, pg_blocking_pids(a.pid),
               p.command, p.phase, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total
        FROM pg_stat_activity a LEFT JOIN pg_stat_progress_create_index p ON p.pid = a.pid
        WHERE a.pid = $1
        """;

    /// <summary>The activity of backend <paramref name="pid"/>, or null when the server no longer has it.</summary>
    public static async Task<ServerActivity?> ReadAsync(NpgsqlConnection connection, int pid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(Sql, connection) { CommandTimeout = 5, Parameters = { new() { Value = pid } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        long Number(int i) => reader.IsDBNull(i) ? 0 : reader.GetInt64(i);
        var query = Text(2)?.TrimStart();
        // A pipelined batch starts with the runner's own marker row: its first line says nothing of the migration.
        var shown = query is null || query.StartsWith("SELECT -1 AS", StringComparison.Ordinal) ? null : query.Split('\n')[0].Trim();
        var index = reader.IsDBNull(4) ? null : new IndexProgress(Text(4)!, Text(5) ?? "", Number(6), Number(7), Number(8), Number(9));
        return new ServerActivity(Text(0), Text(1), shown, reader.GetFieldValue<int[]>(3), index);
    }
}
