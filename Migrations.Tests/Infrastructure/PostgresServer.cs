using Migrations.Runner.Development;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Migrations.Tests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run, found the cheapest way that works, in this order:
/// 1. <c>TEST_DATABASE_CONNECTION_STRING</c> (a superuser connection; CI or a developer's own server);
/// 2. Testcontainers, when a Docker engine answers;
/// 3. a throwaway cluster from the installed PostgreSQL binaries, in a temporary folder on a free port.
/// <c>TEST_POSTGRES_VERSION</c> chooses the major version (<see cref="PostgresVersions"/>); a server of another fails the run.
/// Started once per test process and stopped when it exits.
/// </summary>
public static class PostgresServer
{
    public const string ConnectionStringVariable = "TEST_DATABASE_CONNECTION_STRING";

    /// <summary>The version of the container when none is asked for.</summary>
    public const int DefaultMajor = 15;

    public static string PostgresImage =>
        $"postgres:{(PostgresVersions.Requested ?? DefaultMajor).ToString(System.Globalization.CultureInfo.InvariantCulture)}-alpine";

    /// <summary>The folder the throwaway cluster goes in, when set; otherwise <see cref="ClusterRoot"/> chooses.</summary>
    public const string ClusterRootVariable = "TEST_CLUSTER_ROOT";

    private const string ClusterPrefix = "migrations-tests-";

    // Ample room for the cluster of a full run: its databases are small, and each class drops its own when done.
    private const long MemoryFolderMinimumFree = 2L << 30;

    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Superuser connection string to the server's maintenance database.</summary>
    public static Task<string> GetConnectionStringAsync() => Server.Value;

    /// <summary>How the server was obtained, for test output.</summary>
    public static string Source { get; private set; } = "not started";

    /// <summary>server_version_num of the started server (180004 for 18.4).</summary>
    public static int ServerVersion { get; private set; }

    private static async Task<string> StartAsync()
    {
        var connectionString = await FindOrStartAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int", connection);
        ServerVersion = (int)(await command.ExecuteScalarAsync())!;
        if (PostgresVersions.Requested is { } requested && ServerVersion / 10000 != requested)
        {
            throw new InvalidOperationException(
                $"{PostgresVersions.VersionVariable}={requested}, but the server ({Source}) runs PostgreSQL {ServerVersion / 10000}");
        }

        return connectionString;
    }

    /// <summary>A PostgreSQL container for the tests (Testcontainers), removed when the test process exits.</summary>
    public static async Task<string> StartContainerAsync()
    {
        var container = new PostgreSqlBuilder(PostgresImage).Build();
        await container.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" }.ConnectionString;
    }

    private static async Task<string> FindOrStartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Source = ConnectionStringVariable;
            return configured;
        }

        if (DockerProbe.Answers())
        {
            Source = "Testcontainers " + PostgresImage;
            return await StartContainerAsync();
        }

        RemoveStaleClusters();
        var directory = Path.Combine(ClusterRoot, ClusterPrefix + Guid.NewGuid().ToString("N")[..12]);
        var bin = Environment.GetEnvironmentVariable(PostgresVersions.BinVariable) is { Length: > 0 } chosen ? chosen
            : PostgresVersions.Requested is { } major
                ? PostgresVersions.BinDirectoryFor(major) ?? throw new InvalidOperationException(
                    $"{PostgresVersions.VersionVariable}={major}: no PostgreSQL {major} server binaries are installed; "
                    + $"install them with `bash .ci/install-postgres {major}`, or name their folder in {PostgresVersions.BinVariable}")
            : null;
        var cluster = bin is null
            ? await LocalPostgresCluster.StartAsync(directory, durable: false)
            : await LocalPostgresCluster.StartAsync(directory, durable: false, bin);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DropAsync().GetAwaiter().GetResult();
        Source = $"local cluster on port {cluster.Port}";
        return cluster.ConnectionString;
    }

    /// <summary>
    /// Where the throwaway cluster lives: <c>TEST_CLUSTER_ROOT</c>, else the memory-backed /dev/shm when it has room,
    /// else the temporary folder. The tests create and drop hundreds of databases, each some hundreds of files; on a
    /// disk file system (ext4 skips recently freed inodes when it allocates new ones) that costs a CREATE DATABASE
    /// about 0.2 s of CPU, on tmpfs a tenth of it. Nothing of the cluster needs to outlive the run.
    /// </summary>
    public static string ClusterRoot { get; } = ChooseClusterRoot();

    private static string ChooseClusterRoot()
    {
        if (Environment.GetEnvironmentVariable(ClusterRootVariable) is { Length: > 0 } chosen)
        {
            return chosen;
        }

        const string memory = "/dev/shm";
        try
        {
            if (OperatingSystem.IsLinux() && Directory.Exists(memory)
                && new DriveInfo(memory) is { DriveFormat: "tmpfs", AvailableFreeSpace: > MemoryFolderMinimumFree })
            {
                return memory;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not a mount we can read: the temporary folder it is.
        }

        return Path.GetTempPath();
    }

    // A test host that is killed (or outlives the test platform's patience) never runs its exit handler; its cluster
    // folder is swept by the next run once no server owns it.
    private static void RemoveStaleClusters()
    {
        foreach (var directory in Directory.GetDirectories(ClusterRoot, ClusterPrefix + "*"))
        {
            if (!File.Exists(Path.Combine(directory, "data", "postmaster.pid")))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Another test run is setting it up right now.
                }
                catch (UnauthorizedAccessException)
                {
                    // Someone else's.
                }
            }
        }
    }
}
