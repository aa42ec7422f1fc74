using Npgsql;
using Testcontainers.PostgreSql;

namespace Migrations.Runner.Services;

/// <summary>The development database in use, and where it runs, for the one line that says so.</summary>
public sealed record DevDatabaseInfo(string ConnectionString, string Where);

/// <summary>
/// The zero-config local development database, started on first use and reused after: the cluster already in the
/// repository's ignored <c>.devdb/</c> folder if there is one; else a reusable Testcontainers container when Docker
/// answers; else a new cluster from the installed PostgreSQL binaries in <c>.devdb/</c>. Never used in Production.
/// </summary>
public static class DevDatabase
{
    public const string DatabaseName = "app_dev";
    public const string ContainerName = "migrations-devdb";
    public const string ContainerImage = "postgres:15-alpine";
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

    /// <summary>Starts (or reuses) the development database and creates it when missing.</summary>
    public static async Task<DevDatabaseInfo> EnsureAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (LocalPostgresCluster.Find(directory) is null && DockerProbe.Answers())
        {
            return await EnsureContainerAsync(cancellationToken);
        }

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

        return new DevDatabaseInfo(
            RunnerConfiguration.Normalize(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = DatabaseName }.ConnectionString, "the development database"),
            $"127.0.0.1:{cluster.Port}, data in {directory}");
    }

    // Reuse keeps one container across runs (and out of Testcontainers' clean-up); 'docker rm -f migrations-devdb' drops it.
    private static async Task<DevDatabaseInfo> EnsureContainerAsync(CancellationToken cancellationToken)
    {
        var container = new PostgreSqlBuilder(ContainerImage)
            .WithName(ContainerName)
            .WithReuse(true)
            .WithDatabase(DatabaseName)
            .WithUsername("postgres")
            .WithPassword("postgres")
            .Build();
        await container.StartAsync(cancellationToken);
        var connectionString = RunnerConfiguration.Normalize(container.GetConnectionString(), "the development database");
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new DevDatabaseInfo(connectionString, $"{builder.Host}:{builder.Port}, Docker container {ContainerName}");
    }

    /// <summary>Stops the cluster (or the container); false when there is none.</summary>
    public static async Task<bool> StopAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (LocalPostgresCluster.Find(directory) is not { } cluster)
        {
            return await DockerAsync(["stop", ContainerName], cancellationToken);
        }

        await cluster.StopAsync(cancellationToken);
        return true;
    }

    /// <summary>Stops the cluster and deletes its folder (or removes the container); false when there is none.</summary>
    public static async Task<bool> DropAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (LocalPostgresCluster.Find(directory) is not { } cluster)
        {
            return await DockerAsync(["rm", "--force", "--volumes", ContainerName], cancellationToken);
        }

        await cluster.DropAsync(cancellationToken);
        return true;
    }

    // The container outlives the runner, so it is managed with the Docker CLI; false when there is no Docker or no container.
    private static async Task<bool> DockerAsync(string[] arguments, CancellationToken cancellationToken)
    {
        if (!DockerProbe.Answers())
        {
            return false;
        }

        try
        {
            return (await ProcessRunner.RunAsync("docker", arguments, cancellationToken)).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
