using System.Security.Cryptography;
using System.Text;
using Migrations.Runner.Errors;
using Migrations.Runner.Session;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Migrations.Runner.Development;

/// <summary>The development database in use, and where it runs, for the one line that says so.</summary>
/// <param name="ConnectionString">Superuser connection to the development database.</param>
/// <param name="Host">Where the server listens.</param>
/// <param name="Port">Its port.</param>
/// <param name="DataDirectory">The cluster's folder; null for a container.</param>
public sealed record DevDatabaseInfo(string ConnectionString, string Host, int Port, string? DataDirectory);

/// <summary>Where the development cluster lives, and the private folder that kept it out of the repository, if one did.</summary>
public sealed record DevDatabaseLocation(string Directory, string? UnreachableRepository = null);

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

    /// <summary>
    /// <c>MIGRATIONS_DEVDB_DIR</c>, else <c>.devdb/</c> at the root of the repository (the folder holding Database.sln)
    /// around the working directory, else around the runner itself. As root, when the server's user cannot reach the
    /// repository (it sits below a private folder), a folder of its own under /var/tmp named after the repository.
    /// </summary>
    /// <exception cref="RunnerErrorException">No repository around either (<see cref="NoDevDatabaseLocation"/>).</exception>
    public static async Task<DevDatabaseLocation> LocateAsync(
        string workingDirectory, Func<string, string?> getEnvironmentVariable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        if (getEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
        {
            return new DevDatabaseLocation(Path.GetFullPath(configured, workingDirectory));
        }

        var root = RepositoryRoot(workingDirectory) ?? RepositoryRoot(AppContext.BaseDirectory)
            ?? throw new RunnerErrorException(new NoDevDatabaseLocation(workingDirectory));
        var inRepository = Path.Combine(root, FolderName);
        if (LocalPostgresCluster.Find(inRepository) is not null
            || await LocalPostgresCluster.ServiceUserCanReachAsync(root, cancellationToken))
        {
            return new DevDatabaseLocation(inRepository);
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..12];
        return new DevDatabaseLocation(Path.Combine("/var/tmp", "migrations-devdb", key), root);
    }

    /// <summary>The folder holding Database.sln at or above <paramref name="directory"/>, or null.</summary>
    public static string? RepositoryRoot(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Database.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
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
        catch (RunnerErrorException e)
        {
            throw new RunnerErrorException(new DevDatabaseUnavailable(directory, e.Error), e);
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

        var connectionString = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = DatabaseName }.ConnectionString;
        return new DevDatabaseInfo(connectionString, "127.0.0.1", cluster.Port, directory);
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
        var builder = new NpgsqlConnectionStringBuilder(container.GetConnectionString());
        return new DevDatabaseInfo(builder.ConnectionString, builder.Host ?? "", builder.Port, null);
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
