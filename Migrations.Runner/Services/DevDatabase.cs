using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>
/// The zero-config local development database: a persistent cluster from the installed PostgreSQL binaries in the
/// repository's ignored <c>.devdb/</c> folder, started on first use and reused after. Never used in Production.
/// </summary>
public static class DevDatabase
{
    public const string DatabaseName = "app_dev";
    public const string DirectoryVariable = "MIGRATIONS_DEVDB_DIR";
    public const string FolderName = ".devdb";

    /// <summary><c>MIGRATIONS_DEVDB_DIR</c>, else <c>.devdb/</c> at the repository root (the folder holding Database.sln), else in the working directory.</summary>
    public static string FindDirectory(string workingDirectory, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        if (getEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured, workingDirectory);
        }

        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Database.sln")))
            {
                return Path.Combine(dir.FullName, FolderName);
            }
        }

        return Path.Combine(workingDirectory, FolderName);
    }

    /// <summary>Starts (or reuses) the cluster and creates the database when missing; returns its connection string.</summary>
    public static async Task<string> EnsureAsync(string directory, CancellationToken cancellationToken = default)
    {
        LocalPostgresCluster cluster;
        try
        {
            cluster = await LocalPostgresCluster.StartAsync(directory, durable: true, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new RunnerException($"cannot start the local development database in {directory}: {e.Message}",
                $"configure a database instead: --connection or {RunnerConfiguration.ConnectionStringVariable}");
        }

        await using (var connection = await Database.OpenAsync(cluster.ConnectionString, cancellationToken: cancellationToken))
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", DatabaseName);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return RunnerConfiguration.Normalize(
            new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = DatabaseName }.ConnectionString, "the development database");
    }

    /// <summary>Stops the cluster; false when there is none.</summary>
    public static async Task<bool> StopAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (LocalPostgresCluster.Find(directory) is not { } cluster)
        {
            return false;
        }

        await cluster.StopAsync(cancellationToken);
        return true;
    }

    /// <summary>Stops the cluster and deletes its folder; false when there is none.</summary>
    public static async Task<bool> DropAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (LocalPostgresCluster.Find(directory) is not { } cluster)
        {
            return false;
        }

        await cluster.DropAsync(cancellationToken);
        return true;
    }
}
