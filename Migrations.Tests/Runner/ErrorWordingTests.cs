using System.Net;
using System.Net.Sockets;
using System.Text;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Runner;

/// <summary>Errors say what was expected and what happened, in the runner's words, and name the option to change.</summary>
public sealed class ErrorWordingTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("--to: 'abc' is not a version number", "up", "--to", "abc")]
    [InlineData("--to: '1.5' is not a version number", "down", "--to", "1.5")]
    [InlineData("--version: 'v1' is not a version number", "baseline", "--version", "v1")]
    [InlineData("--accept: 'x' is not a version number", "repair", "--accept", "x")]
    [InlineData("--steps: 'many' is not a whole number of steps", "rollback", "--steps", "many")]
    [InlineData("--lock-timeout: 'soon' is not a whole number of seconds", "up", "--lock-timeout", "soon")]
    [InlineData("--db-statement-timeout: '1m' is not a whole number of seconds", "rollback", "--db-statement-timeout", "1m")]
    public async Task A_bad_value_says_what_was_expected_without_naming_a_dotnet_type(string expected, params string[] args)
    {
        var result = await Cli.RunWithAsync(null, null, args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: " + expected + "\n", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("expected type", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'status'", "stauts")]
    [InlineData("'rollback'", "rolback")]
    [InlineData("'--out-of-order'", "up", "--out-of-ordr")]
    [InlineData("'--verbose'", "status", "--verbos")]
    [InlineData("'--json'", "status", "--jsno")]
    [InlineData("'--preview'", "down", "--to", "0", "--dry-run")]
    [InlineData("the 'preview' verb", "up", "--dry-run")]
    public async Task A_misspelt_verb_or_option_gets_the_nearest_real_one(string suggestion, params string[] args)
    {
        var result = await Cli.RunWithAsync(null, null, args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"next: did you mean {suggestion}", result.Error, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guess_is_offered_only_when_it_is_close()
    {
        var far = await Cli.RunWithAsync(null, null, "frobnicate");
        var farOption = await Cli.RunWithAsync(null, null, "up", "--xyz");
        var near = await Cli.RunWithAsync(null, null, "statsu");

        Assert.DoesNotContain("did you mean", far.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", farOption.Error, StringComparison.Ordinal);
        Assert.Contains("next: did you mean 'status'?", near.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_says_no_postgresql_server_answered_there()
    {
        var port = LocalPorts.Closed();

        var result = await Cli.RunWithAsync(null, null, "status", "--connection", $"Host=127.0.0.1;Port={port};Timeout=5;Username=app");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains(
            $"no PostgreSQL server answered at 127.0.0.1:{port}: nothing listens on that port", result.Error, StringComparison.Ordinal);
        Assert.Contains("next: fix Host= or Port= in --connection", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Something_that_is_not_postgresql_on_the_port_is_named_as_such_not_as_the_end_of_a_stream()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var hangUp = HangUpOnEveryoneAsync(listener);
        var connection = $"Host=127.0.0.1;Port={port};Timeout=5;Username=app";

        var result = await Cli.RunWithAsync(
            new Dictionary<string, string> { [RunnerConfiguration.ConnectionStringVariable] = connection }, null, "status");
        listener.Stop();
        await hangUp;

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"no PostgreSQL server answered at 127.0.0.1:{port}", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("past the end of the stream", result.Error, StringComparison.Ordinal);
        Assert.Contains("next: fix Host= or Port= in DATABASE_CONNECTION_STRING", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_on_the_shadow_connection_says_to_fix_the_shadow_connection()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        using var shadow = PasswordRefusingServer.Start();

        var result = await Cli.RunAsync(
            database, "drift", "--shadow-connection", $"Host=127.0.0.1;Port={shadow.Port};Username=scratch;Password=wrong-secret");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"cannot connect to the shadow server 127.0.0.1:{shadow.Port}", result.Error, StringComparison.Ordinal);
        Assert.Contains("28P01", result.Error, StringComparison.Ordinal);
        var next = result.Error.Split('\n').Single(l => l.StartsWith("next: ", StringComparison.Ordinal));
        Assert.Contains("--shadow-connection", next, StringComparison.Ordinal);
        Assert.DoesNotContain(" --connection", next, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_statement_cancelled_by_db_statement_timeout_advises_raising_db_statement_timeout()
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
        await Cli.RunAsync(database, "up", "--to", "1100", "--assembly", Cli.SamplesAssembly);
        await SampleDatabases.SetAsync(db, database, "samples.sleep", "3");

        var result = await Cli.RunAsync(database, "up", "--to", "2001", "--assembly", Cli.SamplesAssembly, "--db-statement-timeout", "1");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("57014", result.Error, StringComparison.Ordinal);
        Assert.Contains("next: a statement ran longer than the session's statement_timeout: raise --db-statement-timeout", result.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lock_wait_cut_short_by_db_lock_timeout_advises_raising_db_lock_timeout()
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
        var setup = await Cli.RunAsync(database, "up", "--to", "2101", "--assembly", Cli.SamplesAssembly);
        Assert.True(setup.ExitCode == ExitCodes.Success, setup.ToString());
        await using var reader = new NpgsqlConnection(database);
        await reader.OpenAsync();
        await using var transaction = await reader.BeginTransactionAsync();
        await using (var select = new NpgsqlCommand("SELECT count(*) FROM slow_2001", reader, transaction))
        {
            await select.ExecuteScalarAsync();
        }

        var result = await Cli.RunAsync(database, "up", "--to", "2200", "--assembly", Cli.SamplesAssembly, "--db-lock-timeout", "1");
        await transaction.RollbackAsync();

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("55P03", result.Error, StringComparison.Ordinal);
        Assert.Contains("raise --db-lock-timeout", result.Error, StringComparison.Ordinal);
    }

    private static async Task HangUpOnEveryoneAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
            }
        }
        // Stopped: an accept already waiting fails with a socket error, one begun after Stop with "Not listening".
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// Speaks just enough of PostgreSQL's protocol to refuse a login as a server with password authentication does,
    /// whatever authentication the test server itself uses.
    /// </summary>
    private sealed class PasswordRefusingServer : IDisposable
    {
        private const int SslRequest = 80877103;
        private const int GssEncRequest = 80877104;

        private readonly TcpListener _listener;
        private readonly Task _serving;

        private PasswordRefusingServer(TcpListener listener)
        {
            _listener = listener;
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _serving = ServeAsync();
        }

        public int Port { get; }

        public static PasswordRefusingServer Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new PasswordRefusingServer(listener);
        }

        public void Dispose()
        {
            _listener.Stop();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    try
                    {
                        await RefuseAsync(client.GetStream());
                    }
                    catch (Exception e) when (e is IOException or SocketException)
                    {
                        // The client hung up first.
                    }
                }
            }
            // Stopped: an accept already waiting fails with a socket error, one begun after Stop with "Not listening".
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }

        private static async Task RefuseAsync(NetworkStream stream)
        {
            while (true)
            {
                var length = await ReadInt32Async(stream);
                var code = await ReadInt32Async(stream);
                if (code is SslRequest or GssEncRequest)
                {
                    // No encryption here; the client goes on in the clear.
                    await stream.WriteAsync("N"u8.ToArray());
                    continue;
                }

                await stream.ReadExactlyAsync(new byte[length - 8]);
                break;
            }

            // AuthenticationCleartextPassword, then whatever password comes is wrong.
            await stream.WriteAsync(new byte[] { (byte)'R', 0, 0, 0, 8, 0, 0, 0, 3 });
            var type = new byte[1];
            await stream.ReadExactlyAsync(type);
            await stream.ReadExactlyAsync(new byte[await ReadInt32Async(stream) - 4]);
            var fields = Encoding.UTF8.GetBytes(
                "SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"scratch\"\0\0");
            var error = new byte[5 + fields.Length];
            error[0] = (byte)'E';
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(error.AsSpan(1), 4 + fields.Length);
            fields.CopyTo(error, 5);
            await stream.WriteAsync(error);
        }

        private static async Task<int> ReadInt32Async(NetworkStream stream)
        {
            var buffer = new byte[4];
            await stream.ReadExactlyAsync(buffer);
            return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(buffer);
        }
    }
}
