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

    private MigrationSession(MigrationLock migrationLock) => _lock = migrationLock;

    public NpgsqlConnection Connection => _lock.Connection;

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
            await WatchForClientLossAsync(connection, cancellationToken);
            return new MigrationSession(migrationLock);
        }
        catch
        {
            await migrationLock.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _lock.DisposeAsync();

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

    /// <summary>
    /// A batch's COMMITs reach the server with its statements, so a runner killed mid-batch would leave the server to
    /// run the batch out on its own. With this the server checks every second, even inside a statement, that the
    /// runner is still there, and otherwise rolls back the migration in flight and ends the session (PostgreSQL 14 and
    /// later; older servers run the batch out, each migration still whole).
    /// </summary>
    private static async Task WatchForClientLossAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (connection.PostgreSqlVersion.Major >= 14)
        {
            await using var command = new NpgsqlCommand("SET client_connection_check_interval = 1000", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
