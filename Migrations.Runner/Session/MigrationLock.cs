using System.Diagnostics;
using Migrations.Runner.Errors;
using Npgsql;

namespace Migrations.Runner.Session;

/// <summary>Who holds the migration lock, as <c>pg_stat_activity</c> tells it.</summary>
public sealed record LockHolder(int Pid, string ApplicationName, string? ClientAddress, DateTime? Since);

/// <summary>
/// A PostgreSQL session advisory lock held on its own connection for the whole run, so that two runners never
/// migrate one database at once. Polled with pg_try_advisory_lock, never waited for inside a transaction: a waiting
/// runner must not hold a snapshot that CREATE INDEX CONCURRENTLY in the holder would wait on. It dies with the
/// session, so a killed runner leaves nothing locked.
/// </summary>
public sealed class MigrationLock : IAsyncDisposable
{
    /// <summary>"MIGRATOR" in ASCII; the lock is per database (pg_locks keys include the database).</summary>
    public const long Key = 0x4D49_4752_4154_4F52;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    private readonly NpgsqlConnection _connection;

    private MigrationLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>The lock's session, which is the migration session.</summary>
    internal NpgsqlConnection Connection => _connection;

    /// <summary>
    /// Takes the lock on <paramref name="connection"/> (which it then owns), waiting up to <paramref name="timeout"/>;
    /// <paramref name="onWaiting"/> hears who holds it, at once and every 10 s.
    /// </summary>
    /// <exception cref="RunnerErrorException">Timed out; the error names the holder.</exception>
    internal static async Task<MigrationLock> AcquireAsync(
        NpgsqlConnection connection,
        TimeSpan timeout,
        Action<LockHolder?, TimeSpan> onWaiting,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onWaiting);
        try
        {
            var waited = Stopwatch.StartNew();
            var lastReport = TimeSpan.MinValue;
            while (true)
            {
                await using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection))
                {
                    command.Parameters.AddWithValue("key", Key);
                    if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
                    {
                        return new MigrationLock(connection);
                    }
                }

                if (waited.Elapsed >= timeout)
                {
                    var holder = await FindHolderAsync(connection, cancellationToken);
                    throw new RunnerErrorException(new LockTimedOut(timeout, holder));
                }

                if (lastReport == TimeSpan.MinValue || waited.Elapsed - lastReport >= ReportInterval)
                {
                    lastReport = waited.Elapsed;
                    onWaiting(await FindHolderAsync(connection, cancellationToken), waited.Elapsed);
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The session holding the lock in the connection's database, or null when it is free.</summary>
    public static async Task<LockHolder?> FindHolderAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // A bigint advisory key is stored as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
        await using var command = new NpgsqlCommand(
            """
            SELECT a.pid, coalesce(a.application_name, ''), host(a.client_addr), a.backend_start AT TIME ZONE 'UTC'
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::bigint = (@key >> 32) AND l.objid::bigint = (@key & 4294967295)
            LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("key", Key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new LockHolder(
            reader.GetInt32(0),
            reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetDateTime(3));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection.State == System.Data.ConnectionState.Open)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
                command.Parameters.AddWithValue("key", Key);
                await command.ExecuteScalarAsync();
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The session is gone (the failure being reported), and the lock with it.
        }

        await _connection.DisposeAsync();
    }
}
