using System.Net;
using System.Net.Sockets;
using System.Text;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Reliability;

/// <summary>
/// Every way to call the runner wrongly or against the wrong database that we could think of: each ends in one
/// <c>error:</c> line with the documented exit code, no stack trace, and never the password.
/// </summary>
[Trait("Category", ReliabilityRun.Category)]
public class BadInputCatalogueTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    /// <summary>In every connection string of the catalogue, so that any output can be searched for it.</summary>
    private const string Password = "Rel-NeverPrint-8d2f";

    private sealed record Scenario(string[] Args, int ExitCode, string Expected)
    {
        public Dictionary<string, string>? Environment { get; init; }

        public string? WorkingDirectory { get; init; }

        public Func<Task>? Cleanup { get; init; }

        /// <summary>The command-line parser refuses it, before anything runs: stderr starts with the error and points at --help.</summary>
        public bool FromParser { get; init; }
    }

    // The root's help, or the verb's own, after any "did you mean".
    private const string HelpAdvice = @"^next: (did you mean .+\? \()?run "
        + @"(with --help to see the verbs and their options|'[a-z]+ --help' to see its (actions and )?options)\)?$";

    private static readonly string[] Names =
    [
        "unknown verb",
        "unknown option",
        "connection string without --connection",
        "option without its value",
        "non-numeric target version",
        "negative target version",
        "unknown target version for up",
        "unknown target version for down",
        "down without --to",
        "zero steps",
        "negative steps",
        "non-numeric steps",
        "negative --lock-timeout",
        "negative --db-lock-timeout",
        "non-numeric --db-statement-timeout",
        "--to given twice",
        "baseline without --version",
        "baseline of an unknown version",
        "repair without --accept",
        "repair of a version never applied",
        "malformed connection string",
        "connection string without Host",
        "connection string with an empty Host",
        "non-numeric Port",
        "negative Timeout",
        "assembly path that does not exist",
        "assembly that is not a .NET assembly",
        "assembly without migrations",
        "rollback in Production without --yes",
        "down in Production without --yes",
        "baseline in Production without --yes",
        "Production without a connection string",
        "malformed appsettings.json",
        "drift against a missing snapshot file",
        "new without a title",
        "devdb with an unknown action",
        "closed port",
        "not PostgreSQL on the port",
        "unresolvable host name",
        "missing database",
        "role without LOGIN",
        "role that does not exist",
        "no CREATE on schema public",
        "read-only database",
        "VersionInfo of an unexpected shape",
        "applied version unknown to the assembly",
        "migration lock held by another session",
        "rollback of more steps than applied",
        "pending migration older than the newest applied",
        "INVALID index left by CREATE INDEX CONCURRENTLY",
        "empty --connection",
        "DATABASE_CONNECTION_STRING set but empty",
        "rollback in a misspelt production environment without --yes",
        "rollback with the environment from ASPNETCORE_ENVIRONMENT without --yes",
        "misspelt verb",
        "up over objects with no VersionInfo",
    ];

    public static TheoryData<string> Cases => new(Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_ends_in_one_error_line_with_the_documented_exit_code_no_stack_trace_and_no_password(string name)
    {
        var scenario = await BuildAsync(name);
        CliResult result;
        try
        {
            result = await Cli.RunWithAsync(scenario.Environment, scenario.WorkingDirectory, scenario.Args);
        }
        finally
        {
            if (scenario.Cleanup is not null)
            {
                await scenario.Cleanup();
            }
        }

        var passed = false;
        try
        {
            Assert.True(result.ExitCode == scenario.ExitCode, $"expected exit {scenario.ExitCode}:\n{result}");
            CliOutput.AssertOneLineError(result);
            Assert.DoesNotContain(Password, result.All, StringComparison.Ordinal);
            Assert.Contains(scenario.Expected, result.Error, StringComparison.Ordinal);
            if (scenario.FromParser)
            {
                Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
                Assert.Matches(HelpAdvice, CliOutput.NextLine(result.Error) ?? "");
            }
            passed = true;
        }
        finally
        {
            // Failing rows are recorded too: the table in docs/RELIABILITY.md shows what the runner really printed.
            ReliabilityRun.Record("bad-input", new Dictionary<string, object?>
            {
                ["number"] = Array.IndexOf(Names, name) + 1,
                ["case"] = name,
                ["expectedExitCode"] = scenario.ExitCode,
                ["exitCode"] = result.ExitCode,
                ["stderr"] = CliOutput.ErrorLine(result.Error),
                ["passed"] = passed,
            });
        }
    }

    private async Task<Scenario> BuildAsync(string name)
    {
        const int usage = ExitCodes.Usage;
        const int failure = ExitCodes.Failure;
        var samples = Cli.SamplesAssembly;
        switch (name)
        {
            case "unknown verb":
                return new(["migrate", "--connection", await EmptyAsync()], usage, "'migrate'") { FromParser = true };
            case "unknown option":
                return new(["up", "--bogus", "--connection", await EmptyAsync()], usage, "'--bogus'") { FromParser = true };
            case "connection string without --connection":
                // The parser quotes an unrecognised argument back: here that argument holds the password.
                return new(["up", await EmptyAsync()], usage, "Unrecognized command or argument") { FromParser = true };
            case "option without its value":
                return new(["up", "--connection", await EmptyAsync(), "--to"], usage, "--to") { FromParser = true };
            case "non-numeric target version":
                return new(["up", "--to", "abc", "--connection", await EmptyAsync()], usage, "'abc'") { FromParser = true };
            case "negative target version":
                return new(
                    ["up", "--to", "-1", "--connection", await EmptyAsync()],
                    usage,
                    "--to must be a version number, 0 or more") { FromParser = true };
            case "unknown target version for up":
                return new(
                    ["up", "--to", "999999", "--assembly", samples, "--connection", await EmptyAsync()],
                    usage,
                    "999999 is not a known migration version");
            case "unknown target version for down":
                return new(
                    ["down", "--to", "424242", "--assembly", samples, "--connection", await EmptyAsync()],
                    usage,
                    "424242 is not a known migration version");
            case "down without --to":
                return new(["down", "--connection", await EmptyAsync()], usage, "--to") { FromParser = true };
            case "zero steps":
                return new(
                    ["rollback", "--steps", "0", "--connection", await EmptyAsync()],
                    usage,
                    "--steps must be 1 or more") { FromParser = true };
            case "negative steps":
                return new(
                    ["rollback", "--steps", "-2", "--connection", await EmptyAsync()],
                    usage,
                    "--steps must be 1 or more") { FromParser = true };
            case "non-numeric steps":
                return new(["rollback", "--steps", "many", "--connection", await EmptyAsync()], usage, "'many'") { FromParser = true };
            case "negative --lock-timeout":
                return new(
                    ["up", "--lock-timeout", "-5", "--connection", await EmptyAsync()],
                    usage,
                    "--lock-timeout must be 0 or more seconds") { FromParser = true };
            case "negative --db-lock-timeout":
                return new(
                    ["up", "--db-lock-timeout", "-1", "--connection", await EmptyAsync()],
                    usage,
                    "--db-lock-timeout must be 0 or more seconds") { FromParser = true };
            case "non-numeric --db-statement-timeout":
                return new(
                    ["up", "--db-statement-timeout", "soon", "--connection", await EmptyAsync()],
                    usage,
                    "'soon'") { FromParser = true };
            case "--to given twice":
                return new(
                    ["up", "--to", "1001", "--to", "1002", "--assembly", samples, "--connection", await EmptyAsync()],
                    usage,
                    "--to") { FromParser = true };
            case "baseline without --version":
                return new(["baseline", "--connection", await EmptyAsync()], usage, "'--version' is required") { FromParser = true };
            case "baseline of an unknown version":
                return new(
                    ["baseline", "--version", "777", "--assembly", samples, "--connection", await EmptyAsync()],
                    usage,
                    "777 is not a known migration version");
            case "repair without --accept":
                return new(["repair", "--connection", await EmptyAsync()], usage, "'--accept' is required") { FromParser = true };
            case "repair of a version never applied":
                return new(
                    ["repair", "--accept", "1001", "--assembly", samples, "--connection", await EmptyAsync()],
                    usage,
                    "cannot accept 1001");
            case "malformed connection string":
                return new(["status", "--connection", $"Nonsense=1;Password={Password}"], usage, "is malformed");
            case "connection string without Host":
                return new(["status", "--connection", $"Database=app;Password={Password}"], usage, "names no Host");
            case "connection string with an empty Host":
                return new(["status", "--connection", $"Host=;Database=app;Password={Password}"], usage, "names no Host");
            case "non-numeric Port":
                return new(["status", "--connection", $"Host=127.0.0.1;Port=fivefourthreetwo;Password={Password}"], usage, "is malformed");
            case "negative Timeout":
                return new(["status", "--connection", $"Host=127.0.0.1;Timeout=-3;Password={Password}"], usage, "is malformed");
            case "assembly path that does not exist":
                return new(["status", "--assembly", "/no/such/Migrations.dll", "--connection", await EmptyAsync()], usage, "no such file");
            case "assembly that is not a .NET assembly":
            {
                var path = Path.Combine(Path.GetTempPath(), $"rel-not-an-assembly-{Guid.NewGuid():N}.dll");
                await File.WriteAllTextAsync(path, "not an assembly");
                return new(["status", "--assembly", path, "--connection", await EmptyAsync()], usage, "not a .NET assembly")
                {
                    Cleanup = () => Task.Run(() => File.Delete(path)),
                };
            }

            case "assembly without migrations":
                return new(
                    ["status", "--assembly", typeof(FactAttribute).Assembly.Location, "--connection", await EmptyAsync()],
                    usage,
                    "holds no [Migration] classes");
            case "rollback in Production without --yes":
                return new(
                    ["rollback", "--environment", "Production", "--connection", await EmptyAsync()],
                    usage,
                    "refusing to roll back in the Production environment without --yes");
            case "down in Production without --yes":
                return new(["down", "--to", "0", "--connection", await EmptyAsync()], usage, "in the Production environment without --yes")
                {
                    Environment = new() { [RunnerConfiguration.EnvironmentVariable] = "Production" },
                };
            case "baseline in Production without --yes":
                return new(
                    ["baseline", "--version", "1", "--environment", "Production", "--connection", await EmptyAsync()],
                    usage,
                    "refusing to baseline in the Production environment without --yes");
            case "Production without a connection string":
                return new(
                    ["status", "--environment", "Production"],
                    usage,
                    "no connection string configured for the Production environment");
            case "malformed appsettings.json":
            {
                var folder = Directory.CreateTempSubdirectory("rel-settings-").FullName;
                await File.WriteAllTextAsync(
                    Path.Combine(folder, "appsettings.json"),
                    $$"""{ "ConnectionStrings": { "Default": "Host=x;Password={{Password}}" """);
                return new(["status"], usage, "appsettings.json is not valid JSON")
                {
                    WorkingDirectory = folder,
                    Cleanup = () => Task.Run(() => Directory.Delete(folder, recursive: true)),
                };
            }

            case "drift against a missing snapshot file":
                return new(
                    ["drift", "--against", "/no/such/schema.json", "--connection", await EmptyAsync()],
                    usage,
                    "--against /no/such/schema.json");
            case "new without a title":
                return new(["new"], usage, "'new'") { FromParser = true };
            case "devdb with an unknown action":
                return new(["devdb", "bogus"], usage, "'bogus'") { FromParser = true };
            case "closed port":
                return new(
                    ["status", "--connection", Connection(await EmptyAsync(), b => (b.Port, b.Timeout) = (LocalPorts.Closed(), 2))],
                    failure,
                    "cannot connect to 127.0.0.1:");
            case "not PostgreSQL on the port":
            {
                var impostor = NotPostgres.Start();
                return new(
                    ["status", "--connection", Connection(await EmptyAsync(), b => (b.Port, b.Timeout) = (impostor.Port, 2))],
                    failure,
                    $"cannot connect to 127.0.0.1:{impostor.Port}")
                {
                    Cleanup = () => Task.Run(impostor.Dispose),
                };
            }

            case "unresolvable host name":
                return new(
                    ["status", "--connection", $"Host=no-such-host.invalid;Timeout=2;Username=app;Password={Password}"],
                    failure,
                    "cannot connect to no-such-host.invalid:5432");
            case "missing database":
                return new(
                    ["up", "--connection", Connection(
                        await EmptyAsync(),
                        b => b.Database = "rel_missing_" + Guid.NewGuid().ToString("N")[..8])],
                    failure,
                    "3D000");
            case "role without LOGIN":
            {
                var role = await CreateRoleAsync("NOLOGIN");
                return new(["status", "--connection", Connection(await EmptyAsync(), b => b.Username = role)], failure, "28000")
                {
                    Cleanup = () => DropRoleAsync(role),
                };
            }

            case "role that does not exist":
                return new(
                    ["status", "--connection", Connection(
                        await EmptyAsync(),
                        b => b.Username = "rel_nobody_" + Guid.NewGuid().ToString("N")[..8])],
                    failure,
                    "28000");
            case "no CREATE on schema public":
            {
                var role = await CreateRoleAsync("LOGIN");
                var database = await EmptyAsync();
                // The default from PostgreSQL 15 on; 14 still lets everyone create in schema public.
                await Db.ExecuteAsync(database, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
                var asRole = Connection(database, b => b.Username = role);
                return new(["up", "--to", "1001", "--assembly", samples, "--connection", asRole], failure, "42501")
                {
                    Cleanup = () => DropRoleAsync(role),
                };
            }

            case "read-only database":
            {
                var database = await db.CreateDatabaseAsync();
                await db.ExecuteOnServerAsync(
                    $"ALTER DATABASE \"{new NpgsqlConnectionStringBuilder(database).Database}\" SET default_transaction_read_only = on");
                return new(["up", "--to", "1001", "--assembly", samples, "--connection", Connection(database)], failure, "25006");
            }

            case "VersionInfo of an unexpected shape":
            {
                var database = await db.CreateDatabaseAsync();
                await Db.ExecuteAsync(database, """CREATE TABLE "VersionInfo" (version integer, applied text)""");
                return new(["up", "--assembly", samples, "--connection", Connection(database)], failure, "has an unexpected shape");
            }

            case "applied version unknown to the assembly":
            {
                var database = await MigratedSamplesAsync(1002);
                await Db.RecordAppliedAsync(database, 9999, "From a newer build");
                return new(
                    ["rollback", "--assembly", samples, "--connection", Connection(database)],
                    failure,
                    "refusing to roll back: applied version 9999");
            }

            case "migration lock held by another session":
            {
                var database = await db.CreateDatabaseAsync();
                var holder = await RunnerSessions.HoldMigrationLockAsync(database, "rel-lock-holder");

                return new(
                    ["up", "--lock-timeout", "1", "--assembly", samples, "--connection", Connection(database)],
                    failure,
                    "timed out after 1 s waiting for the migration lock held by pid")
                {
                    Cleanup = async () => await holder.DisposeAsync(),
                };
            }

            case "rollback of more steps than applied":
                return new(
                    ["rollback", "--steps", "3", "--assembly", samples, "--connection", Connection(await MigratedSamplesAsync(1002))],
                    failure,
                    "cannot roll back 3 steps: only 2 migrations are applied");
            case "pending migration older than the newest applied":
            {
                var database = await MigratedSamplesAsync(1003);
                await Db.ExecuteAsync(database, """DELETE FROM "VersionInfo" WHERE "Version" = 1002; DROP TABLE sample_1002;""");
                return new(
                    ["up", "--to", "1003", "--assembly", samples, "--connection", Connection(database)],
                    failure,
                    "migration 1002 S1002_SampleTwo is older than the newest applied version 1003");
            }

            case "empty --connection":
                return new(["up", "--connection", ""], usage, "--connection is empty");
            case "DATABASE_CONNECTION_STRING set but empty":
                return new(["up"], usage, "DATABASE_CONNECTION_STRING is set but empty")
                {
                    Environment = new() { [RunnerConfiguration.ConnectionStringVariable] = "" },
                };
            case "rollback in a misspelt production environment without --yes":
                return new(
                    ["rollback", "--environment", "Prod", "--connection", await EmptyAsync()],
                    usage,
                    "refusing to roll back in the Prod environment without --yes");
            case "rollback with the environment from ASPNETCORE_ENVIRONMENT without --yes":
                return new(["rollback", "--connection", await EmptyAsync()], usage, "in the Production environment without --yes")
                {
                    Environment = new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
                };
            case "misspelt verb":
                return new(["stauts", "--connection", await EmptyAsync()], usage, "'stauts'") { FromParser = true };
            case "up over objects with no VersionInfo":
            {
                var database = await db.CreateDatabaseAsync();
                await Db.ExecuteAsync(database, "CREATE TABLE made_by_hand (id integer)");
                return new(["up", "--connection", Connection(database)], failure, "public.made_by_hand) but no VersionInfo");
            }

            case "INVALID index left by CREATE INDEX CONCURRENTLY":
            {
                var database = await db.CreateDatabaseAsync();
                await Db.CreateVersionTablesAsync(database);
                await Db.ExecuteAsync(database, "CREATE TABLE dup (id integer); INSERT INTO dup VALUES (1), (1);");
                await Assert.ThrowsAsync<PostgresException>(
                    () => Db.ExecuteAsync(database, "CREATE UNIQUE INDEX CONCURRENTLY dup_id_key ON dup (id)"));
                return new(
                    ["up", "--to", "1001", "--assembly", samples, "--connection", Connection(database)],
                    failure,
                    "DROP INDEX CONCURRENTLY public.dup_id_key;");
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such case");
        }
    }

    /// <summary>The connection string of <paramref name="database"/> with the recognisable password, changed as asked.</summary>
    private static string Connection(string database, Action<NpgsqlConnectionStringBuilder>? change = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(database) { Password = Password };
        change?.Invoke(builder);
        return builder.ConnectionString;
    }

    private async Task<string> EmptyAsync() => Connection(await db.CreateDatabaseAsync());

    private async Task<string> MigratedSamplesAsync(long target)
    {
        var database = await db.CreateDatabaseAsync();
        var to = target.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var up = await Cli.RunAsync(database, "up", "--to", to, "--assembly", Cli.SamplesAssembly);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        return database;
    }

    private async Task<string> CreateRoleAsync(string attributes)
    {
        var role = "rel_role_" + Guid.NewGuid().ToString("N")[..12];
        await db.ExecuteOnServerAsync($"CREATE ROLE {role} {attributes} PASSWORD '{Password}'");
        return role;
    }

    private async Task DropRoleAsync(string role)
    {
        Db.ClearAllPools();
        await db.ExecuteOnServerAsync($"DROP ROLE IF EXISTS {role}");
    }

    /// <summary>A server on a local port that answers every connection like a web server would, then hangs up.</summary>
    private sealed class NotPostgres : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();

        private NotPostgres(TcpListener listener)
        {
            _listener = listener;
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public int Port { get; }

        public static NotPostgres Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var server = new NotPostgres(listener);
            _ = server.ServeAsync();
            return server;
        }

        private async Task ServeAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    await client.GetStream().WriteAsync(
                        Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"),
                        _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // Stopped, or a client hung up first: either way there is nothing left to serve.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
