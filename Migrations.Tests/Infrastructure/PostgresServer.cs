using Migrations.Runner.Development;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Migrations.Tests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run, found the cheapest way that works, in this order:
/// 1. <c>TEST_DATABASE_CONNECTION_STRING</c> (a superuser connection; CI or a developer's own server);
/// 2. Testcontainers, when a Docker engine answers;
/// 3. a throwaway cluster from the installed PostgreSQL binaries, in a temporary folder on a free port.
/// Started once per test process and stopped when it exits.
/// </summary>
public static class PostgresServer
{
    public const string ConnectionStringVariable = "TEST_DATABASE_CONNECTION_STRING";
    public const string PostgresImage = "postgres:15-alpine";

    private const string ClusterPrefix = "migrations-tests-";

    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Superuser connection string to the server's maintenance database.</summary>
    public static Task<string> GetConnectionStringAsync() => Server.Value;

    /// <summary>How the server was obtained, for test output.</summary>
    public static string Source { get; private set; } = "not started";

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Source = ConnectionStringVariable;
            return configured;
        }

        if (DockerProbe.Answers())
        {
            var container = new PostgreSqlBuilder(PostgresImage).Build();
            await container.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Source = "Testcontainers " + PostgresImage;
            return new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" }.ConnectionString;
        }

        RemoveStaleClusters();
        var directory = Path.Combine(Path.GetTempPath(), ClusterPrefix + Guid.NewGuid().ToString("N")[..12]);
        var cluster = await LocalPostgresCluster.StartAsync(directory, durable: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DropAsync().GetAwaiter().GetResult();
        Source = $"local cluster on port {cluster.Port}";
        return cluster.ConnectionString;
    }

    // A test host that is killed (or outlives the test platform's patience) never runs its exit handler; its cluster
    // folder is swept by the next run once no server owns it.
    private static void RemoveStaleClusters()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), ClusterPrefix + "*"))
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
