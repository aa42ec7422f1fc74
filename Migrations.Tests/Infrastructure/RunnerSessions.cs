using Migrations.Runner.Cli;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Tests.Infrastructure;

/// <summary>The runner seen from the server: its migration lock and its sessions.</summary>
public static class RunnerSessions
{
    /// <summary>
    /// Takes the runner's migration lock on a session of its own (not pooled, so disposing the connection releases
    /// it), as another runner would hold it.
    /// </summary>
    public static async Task<NpgsqlConnection> HoldMigrationLockAsync(string database, string? applicationName = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(database) { Pooling = false };
        if (applicationName is not null)
        {
            builder.ApplicationName = applicationName;
        }

        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", MigrationLock.Key);
        await command.ExecuteScalarAsync();
        return connection;
    }

    /// <summary>Who holds the migration lock of the database now; null when nobody does.</summary>
    public static async Task<LockHolder?> LockHolderAsync(string database)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return await MigrationLock.FindHolderAsync(connection);
    }

    /// <summary>The sessions a runner has open on the database.</summary>
    public static async Task<long> CountAsync(string database) =>
        await Db.ScalarAsync<long>(database, $"""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = '{RunnerConfiguration.ApplicationName}'
            """);

    /// <summary>The pid of a runner session running <c>pg_sleep</c> now (a slow sample migration), or null.</summary>
    public static async Task<int?> SleepingPidAsync(string database) =>
        await Db.ScalarAsync<int?>(database, $"""
            SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = '{RunnerConfiguration.ApplicationName}'
              AND state = 'active' AND query LIKE '%pg_sleep%'
            """);
}
