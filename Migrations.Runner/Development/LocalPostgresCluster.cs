using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Development;

/// <summary>
/// A PostgreSQL cluster run from the server binaries installed on this machine (initdb, pg_ctl), listening on loopback only.
/// Serves both the runner's zero-config development database (persistent, reused) and the test fixture (throwaway).
/// </summary>
public sealed class LocalPostgresCluster
{
    private const string ServiceUser = "postgres";
    private const string PortFileName = "runner.port";

    private readonly string _binDirectory;

    private LocalPostgresCluster(string binDirectory, string dataDirectory, int port)
    {
        _binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        Port = port;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>Superuser connection to the <c>postgres</c> maintenance database (trust authentication on loopback).</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres";

    /// <summary>The folder holding initdb and pg_ctl, or null when no PostgreSQL server is installed.</summary>
    public static string? FindBinDirectory()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        // Debian installs the server outside PATH.
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            return Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault();
        }

        return null;
    }

    /// <summary>
    /// Starts the cluster in <paramref name="dataDirectory"/>, creating it first when empty; when it is already running
    /// (a previous run's development database), it is reused on the port it was given then.
    /// </summary>
    /// <remarks>Pass durable = false (fsync off) for throwaway test clusters only.</remarks>
    /// <exception cref="RunnerErrorException">
    /// No server binaries, or initdb/pg_ctl failed (<see cref="LocalClusterFailed"/>, with their output).
    /// </exception>
    public static Task<LocalPostgresCluster> StartAsync(string dataDirectory, bool durable, CancellationToken cancellationToken = default)
        => StartAsync(
            dataDirectory, durable, FindBinDirectory() ?? throw new RunnerErrorException(new NoServerBinaries()), cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(string, bool, CancellationToken)"/>, with the server binaries in <paramref name="bin"/>
    /// (initdb, pg_ctl, postgres): the tests choose the PostgreSQL version this way.
    /// </summary>
    public static async Task<LocalPostgresCluster> StartAsync(
        string dataDirectory, bool durable, string bin, CancellationToken cancellationToken = default)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        await GiveToServiceUserAsync(dataDirectory, cancellationToken);

        var portFile = Path.Combine(dataDirectory, PortFileName);
        var pgData = Path.Combine(dataDirectory, "data");
        if (!File.Exists(Path.Combine(pgData, "PG_VERSION")))
        {
            await RunAsServiceUserAsync(Path.Combine(bin, "initdb"),
                ["-D", pgData, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-instructions"], cancellationToken);
        }

        var port = File.Exists(portFile)
            ? int.Parse(await File.ReadAllTextAsync(portFile, cancellationToken), CultureInfo.InvariantCulture)
            : FreePort();
        var cluster = new LocalPostgresCluster(bin, dataDirectory, port);
        if (await IsRunningAsync(bin, pgData, cancellationToken))
        {
            return cluster;
        }

        if (File.Exists(portFile) && !IsPortFree(port))
        {
            port = FreePort();
            cluster = new LocalPostgresCluster(bin, dataDirectory, port);
        }

        await File.WriteAllTextAsync(portFile, port.ToString(CultureInfo.InvariantCulture), cancellationToken);
        // No Unix socket: the data directory path may exceed the socket path limit, and TCP on loopback is all we use.
        var serverOptions = $"-p {port.ToString(CultureInfo.InvariantCulture)} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        await RunAsServiceUserAsync(Path.Combine(bin, "pg_ctl"),
            ["start", "-w", "-t", "60", "-D", pgData, "-l", Path.Combine(dataDirectory, "server.log"), "-o", serverOptions],
            cancellationToken);
        return cluster;
    }

    /// <summary>The cluster created earlier in <paramref name="dataDirectory"/>, running or not; null when there is none.</summary>
    public static LocalPostgresCluster? Find(string dataDirectory)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        var portFile = Path.Combine(dataDirectory, PortFileName);
        if (!File.Exists(Path.Combine(dataDirectory, "data", "PG_VERSION")) || !File.Exists(portFile) || FindBinDirectory() is not { } bin)
        {
            return null;
        }

        return new LocalPostgresCluster(bin, dataDirectory, int.Parse(File.ReadAllText(portFile), CultureInfo.InvariantCulture));
    }

    /// <summary>Whether the server is up.</summary>
    public Task<bool> IsRunningAsync(CancellationToken cancellationToken = default) =>
        IsRunningAsync(_binDirectory, Path.Combine(DataDirectory, "data"), cancellationToken);

    /// <summary>Stops the server (fast shutdown); a stopped server is not an error.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var pgData = Path.Combine(DataDirectory, "data");
        if (await IsRunningAsync(_binDirectory, pgData, cancellationToken))
        {
            await RunAsServiceUserAsync(
                Path.Combine(_binDirectory, "pg_ctl"), ["stop", "-w", "-m", "fast", "-D", pgData], cancellationToken);
        }
    }

    /// <summary>Stops the server and deletes its data directory.</summary>
    public async Task DropAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        // A file the server's last checkpoint unlinks can vanish under the recursive walk; what is wanted is the folder gone.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                if (!Directory.Exists(DataDirectory))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }

    private static async Task<bool> IsRunningAsync(string bin, string pgData, CancellationToken cancellationToken) =>
        (await ExecAsServiceUserAsync(Path.Combine(bin, "pg_ctl"), ["status", "-D", pgData], cancellationToken)).ExitCode == 0;

    // initdb, pg_ctl and postgres refuse to run as root.
    private static Task<ProcessResult> ExecAsServiceUserAsync(string program, string[] arguments, CancellationToken cancellationToken) =>
        Environment.IsPrivilegedProcess
            ? ProcessRunner.RunAsync("runuser", ["-u", ServiceUser, "--", program, .. arguments], cancellationToken)
            : ProcessRunner.RunAsync(program, arguments, cancellationToken);

    private static async Task RunAsServiceUserAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var result = await ExecAsServiceUserAsync(program, arguments, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new RunnerErrorException(
                new LocalClusterFailed($"{Path.GetFileName(program)} {arguments[0]}", result.ExitCode, Lines(result)));
        }
    }

    private static async Task GiveToServiceUserAsync(string directory, CancellationToken cancellationToken)
    {
        if (Environment.IsPrivilegedProcess)
        {
            var result = await ProcessRunner.RunAsync("chown", ["-R", $"{ServiceUser}:", directory], cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new RunnerErrorException(new LocalClusterFailed("chown " + directory, result.ExitCode, Lines(result)));
            }
        }
    }

    private static string[] Lines(ProcessResult result) =>
        (result.StandardError + "\n" + result.StandardOutput)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Whether the server's own user can reach <paramref name="directory"/>: as root, a data folder below a private one
    /// (a home folder of mode 700) would be created, then refused by initdb. Always true when not root.
    /// </summary>
    public static async Task<bool> ServiceUserCanReachAsync(string directory, CancellationToken cancellationToken = default) =>
        !Environment.IsPrivilegedProcess
        || (await ProcessRunner.RunAsync("runuser", ["-u", ServiceUser, "--", "test", "-x", directory], cancellationToken)).ExitCode == 0;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
