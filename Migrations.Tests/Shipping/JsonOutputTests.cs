using System.Text.Json;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Shipping;

/// <summary>With --json (or --format json) every verb prints one JSON object on stdout: its result, or the error and exit code.</summary>
public sealed class JsonOutputTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("json-walk-").FullName;

    [Fact]
    public async Task Every_verb_prints_one_json_object_against_a_real_database_whether_it_succeeds_or_refuses()
    {
        // One database for the whole walk, in the order the verbs are wired: each verb meets what the ones before it left,
        // which only changes whether it succeeds or refuses, and either must be one object.
        var results = new Dictionary<string, JsonElement>();
        var database = await db.CreateMigratedDatabaseAsync();
        foreach (var (command, path) in Verbs.Runnable())
        {
            var required = command.Options.Where(o => o.Required).SelectMany(o => Verbs.Sample(o).SelectMany(v => new[] { o.Name, v }));
            var result = await Cli.RunWithAsync(
                Environment(), _folder, [.. path, .. Verbs.RequiredArguments(command), .. required, "--json", "--connection", database]);

            results[string.Join(' ', path)] = AssertOneObject(string.Join(' ', path), result);
        }

        Assert.Equal(JsonValueKind.Array, results["up"].GetProperty("steps").ValueKind);
        Assert.Equal(JsonValueKind.Array, results["status"].GetProperty("migrations").ValueKind);
        Assert.Equal("up", results["preview"].GetProperty("direction").GetString());
    }

    [Fact]
    public async Task Every_verb_prints_one_json_object_when_the_server_does_not_answer_and_the_error_carries_the_exit_code()
    {
        var unreachable = $"Host=127.0.0.1;Port={LocalPorts.Closed()};Database=app;Username=app;Password=hunter2;Timeout=3";
        var codes = new Dictionary<string, string?>();
        foreach (var (command, path) in Verbs.Runnable())
        {
            var required = command.Options.Where(o => o.Required).SelectMany(o => Verbs.Sample(o).SelectMany(v => new[] { o.Name, v }));
            var result = await Cli.RunWithAsync(
                Environment(), _folder, [.. path, .. Verbs.RequiredArguments(command), .. required, "--format", "json", "-c", unreachable]);

            var json = AssertOneObject(string.Join(' ', path), result);
            Assert.DoesNotContain("hunter2", result.All, StringComparison.Ordinal);
            codes[string.Join(' ', path)] = json.TryGetProperty("error", out var error) ? error.GetProperty("code").GetString() : null;
        }

        Assert.Equal("connection-failed", codes["up"]);
        Assert.Equal("connection-failed", codes["status"]);
    }

    [Fact]
    public async Task A_usage_error_is_a_json_object_too_with_exit_code_2()
    {
        var result = await Cli.RunWithAsync(Environment(), _folder, "up", "--to", "abc", "--json");

        var json = AssertOneObject("up --to abc", result);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("usage", json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("--to: 'abc' is not a version number", json.GetProperty("error").GetProperty("message").GetString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Dictionary<string, string> Environment() => new() { ["MIGRATIONS_DEVDB_DIR"] = Path.Combine(_folder, "devdb") };

    private static JsonElement AssertOneObject(string verb, CliResult result)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(result.Out);
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"{verb} --json printed no single JSON object ({e.Message}):\n{result}");
        }

        var root = document.RootElement.Clone();
        document.Dispose();
        Assert.True(root.ValueKind == JsonValueKind.Object, $"{verb}: not an object:\n{result}");
        if (root.TryGetProperty("error", out var error))
        {
            Assert.True(
                result.ExitCode is not (ExitCodes.Success or ExitCodes.CheckFailed), $"{verb}: an error with exit {result.ExitCode}");
            Assert.Equal(result.ExitCode, root.GetProperty("exitCode").GetInt32());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()), $"{verb}: no error code:\n{result}");
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()), $"{verb}: no message:\n{result}");
            Assert.Equal(JsonValueKind.Array, error.GetProperty("details").ValueKind);
            Assert.True(error.TryGetProperty("advice", out _), $"{verb}: no advice:\n{result}");
        }
        else
        {
            Assert.True(
                result.ExitCode is ExitCodes.Success or ExitCodes.CheckFailed,
                $"{verb}: exit {result.ExitCode} without an error:\n{result}");
        }

        return root;
    }
}
