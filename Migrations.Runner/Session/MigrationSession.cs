using Npgsql;

namespace Migrations.Runner.Session;

/// <summary>How a writer's session waits for the lock and how long its statements may wait or run.</summary>
public sealed record SessionSettings
{
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// PostgreSQL lock_timeout of the migration session: a migration that waits longer for a table lock fails (and
    /// rolls back) instead of queueing every other query behind it. Zero disables it. A migration can override it
    /// with <c>SET LOCAL lock_timeout = ...</c>.
    /// </summary>
    public TimeSpan DatabaseLockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>PostgreSQL statement_timeout of the migration session; zero (the default) disables it.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Hears who holds the lock while this session waits for it, at once and every 10 s.</summary>
    public Action<LockHolder?, TimeSpan> OnLockWait { get; init; } = (_, _) => { };
}

/// <summary>
/// The one way a writer (up, down, rollback, baseline, repair) gets its session: one unpooled connection that holds
/// the migration lock for the whole run, with the session's timeouts, and watched by the server for the runner's
/// loss. Everything the writer does goes over this connection.
/// </summary>
public sealed class MigrationSession : IAsyncDisposable
{
    private readonly MigrationLock _lock;

    private MigrationSession(MigrationLock migrationLock, string resetSql)
    {
        _lock = migrationLock;
        ResetSql = resetSql;
    }

    public NpgsqlConnection Connection => _lock.Connection;

    /// <summary>
    /// What returns the session to its state at the start of the run, as psql's fresh session per file would start: a
    /// migration's <c>SET</c>s, role, cursors, listens and temporary tables never reach the next one. Everything but the
    /// migration lock, which the session holds for the whole run. The settings from the startup packet (the runner's
    /// timeouts, application_name) are what RESET ALL returns to.
    /// </summary>
    public string ResetSql { get; }

    /// <exception cref="Errors.RunnerErrorException">The server cannot be reached, or the lock did not come in time.</exception>
    public static async Task<MigrationSession> OpenAsync(
        string connectionString, SessionSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Unpooled: a pooled connection returned to the pool would keep the lock alive after we are done.
        var connection = await Database.OpenAsync(WithSessionSettings(connectionString, settings), pooling: false, cancellationToken);
        var migrationLock = await MigrationLock.AcquireAsync(connection, settings.LockTimeout, settings.OnLockWait, cancellationToken);
        try
        {
            var reset = ResetSqlFor(connection.PostgreSqlVersion);
            await using (var command = new NpgsqlCommand(reset, connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return new MigrationSession(migrationLock, reset);
        }
        catch
        {
            await migrationLock.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _lock.DisposeAsync();

    /// <summary>
    /// The text of <see cref="ResetSql"/> for a server of version <paramref name="server"/>, without a connection:
    /// what a preview script runs after each migration, so that psql's one session isolates migrations as the runner's does.
    /// </summary>
    // DISCARD ALL without what would end the run: the advisory lock (pg_advisory_unlock_all) and Npgsql's prepared
    // statements (DEALLOCATE ALL).
    //
    // A batch's COMMITs reach the server with its statements, so a runner killed mid-batch would leave the server to run
    // the batch out on its own. client_connection_check_interval makes the server check every second, even inside a
    // statement, that the runner is still there, and otherwise roll back the migration in flight and end the session
    // (PostgreSQL 14 and later; older servers run the batch out, each migration still whole). RESET ALL clears it too,
    // so it is set again each time.
    public static string ResetSqlFor(Version server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *; DISCARD TEMP; DISCARD SEQUENCES;"
            + (server.Major >= 14 ? " SET client_connection_check_interval = 1000;" : "");
    }

    // Through the startup packet: the settings hold for every transaction on the session, from its first statement.
    private static string WithSessionSettings(string connectionString, SessionSettings settings)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.Join(' ', new[]
        {
            builder.Options,
            FormattableString.Invariant($"-c lock_timeout={(long)settings.DatabaseLockTimeout.TotalMilliseconds}"),
            FormattableString.Invariant($"-c statement_timeout={(long)settings.StatementTimeout.TotalMilliseconds}"),
        }.Where(o => !string.IsNullOrEmpty(o)));
        return builder.ConnectionString;
    }
}
