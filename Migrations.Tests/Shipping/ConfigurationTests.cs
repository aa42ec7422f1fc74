using System.CommandLine;
using System.Text.Json;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Shipping;

/// <summary>
/// Every option of every verb can come from configuration: an environment variable (shared or the verb's own), then
/// appsettings.{Environment}.json, then appsettings.json; the command line wins over all.
/// </summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("options-config-").FullName;

    public enum Source
    {
        Variable,
        VerbVariable,
        EnvironmentFile,
        File,
    }

    [Theory]
    [InlineData(Source.Variable)]
    [InlineData(Source.VerbVariable)]
    [InlineData(Source.EnvironmentFile)]
    [InlineData(Source.File)]
    public async Task Every_option_of_every_verb_can_come_from_the_source(Source source)
    {
        var checkedOptions = 0;
        var (root, verbs) = Verbs.Tree();
        foreach (var (command, path) in verbs)
        {
            var all = OptionConfiguration.OptionsOf(command)
                .Where(o => OptionConfiguration.Configurable(o) && o.Name != JsonOutput.FormatFlag)
                .Where(o => source is Source.Variable or Source.VerbVariable || OptionConfiguration.NotFromFiles(o) is null)
                .ToList();
            // An option that excludes others of its verb is set on its own.
            checkedOptions += await CheckAsync(root, command, path, source, [.. all.Where(o => !Verbs.ExcludesOthers(o))]);
            foreach (var alone in all.Where(Verbs.ExcludesOthers))
            {
                checkedOptions += await CheckAsync(root, command, path, source, [alone]);
            }
        }

        Assert.True(checkedOptions > verbs.Count, "the walk checked no options");
    }

    private async Task<int> CheckAsync(RootCommand root, Command command, string[] path, Source source, List<Option> options)
    {
        var checkedOptions = 0;
        {
            var verb = source == Source.VerbVariable ? path : [];
            var variables = new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Staging" };
            var settings = new Dictionary<string, object>();
            foreach (var option in options)
            {
                var sample = Verbs.Sample(option);
                if (source is Source.Variable or Source.VerbVariable)
                {
                    var variable = OptionConfiguration.Variable(option, verb);
                    if (sample.Length == 1)
                    {
                        variables[variable] = sample[0];
                    }
                    else
                    {
                        for (var i = 0; i < sample.Length; i++)
                        {
                            variables[$"{variable}__{i}"] = sample[i];
                        }
                    }
                }
                else
                {
                    settings[OptionConfiguration.Key(option, []).Split(':')[^1]] = sample.Length == 1 ? sample[0] : sample;
                }
            }

            var file = source == Source.EnvironmentFile ? "appsettings.Staging.json" : "appsettings.json";
            await File.WriteAllTextAsync(
                Path.Combine(_folder, file), JsonSerializer.Serialize(new Dictionary<string, object> { ["Migrations"] = settings }));
            try
            {
                var configured = Parse([.. path, .. Verbs.RequiredArguments(command)], variables, root);

                Assert.True(configured.Parse.Errors.Count == 0,
                    $"{string.Join(' ', path)}: {string.Join("; ", configured.Parse.Errors.Select(e => e.Message))}");
                foreach (var option in options)
                {
                    var result = configured.Parse.GetResult(option);
                    Assert.True(result is { Implicit: false }, $"{string.Join(' ', path)} {option.Name} was not set from {source}");
                    Assert.Equal(Verbs.Sample(option), result!.Tokens.Select(t => t.Value));
                    var expected = source switch
                    {
                        Source.EnvironmentFile or Source.File => file,
                        _ => OptionConfiguration.Variable(option, verb),
                    };
                    Assert.Contains(
                        configured.Configured, s => s.Option == option.Name && s.Source.StartsWith(expected, StringComparison.Ordinal));
                    checkedOptions++;
                }
            }
            finally
            {
                File.Delete(Path.Combine(_folder, file));
            }
        }

        return checkedOptions;
    }

    [Fact]
    public async Task The_command_line_wins_over_variables_which_win_over_the_environment_file_which_wins_over_appsettings()
    {
        await File.WriteAllTextAsync(
            Path.Combine(_folder, "appsettings.json"), """{ "Migrations": { "LockTimeout": 1, "Up": { "To": 2 } } }""");
        await File.WriteAllTextAsync(Path.Combine(_folder, "appsettings.Staging.json"), """{ "Migrations": { "LockTimeout": 3 } }""");
        var staging = new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Staging" };
        var withVariable = new Dictionary<string, string>(staging) { ["MIGRATIONS_LOCK_TIMEOUT"] = "4", ["MIGRATIONS_TO"] = "5" };

        Assert.Equal("1", Value(Parse(["up"], new()), "--lock-timeout"));
        Assert.Equal("3", Value(Parse(["up"], staging), "--lock-timeout"));
        Assert.Equal("4", Value(Parse(["up"], withVariable), "--lock-timeout"));
        Assert.Equal("6", Value(Parse(["up", "--lock-timeout", "6"], withVariable), "--lock-timeout"));
        // The verb's own key wins over the shared one only within a source: the shared variable beats the file's up:To.
        Assert.Equal("2", Value(Parse(["up"], staging), "--to"));
        Assert.Equal("5", Value(Parse(["up"], withVariable), "--to"));
    }

    [Fact]
    public async Task A_confirmation_is_never_read_from_a_file_but_may_come_from_a_variable()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "appsettings.json"), """{ "Migrations": { "Yes": true } }""");

        Assert.Null(Value(Parse(["rollback"], new()), "--yes"));
        Assert.Equal("true", Value(Parse(["rollback"], new() { ["MIGRATIONS_YES"] = "true" }), "--yes"));
    }

    [Fact]
    public async Task A_bad_configured_value_is_a_usage_error_naming_where_it_came_from()
    {
        var result = await Cli.RunWithAsync(
            new Dictionary<string, string> { ["MIGRATIONS_DB_LOCK_TIMEOUT"] = "soon" }, _folder, "up", "--connection", "Host=127.0.0.1");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("error: --db-lock-timeout: 'soon' is not a whole number of seconds (from MIGRATIONS_DB_LOCK_TIMEOUT)",
            CliOutput.ErrorLine(result.Error));
    }

    [Fact]
    public async Task Config_prints_each_setting_with_its_source_and_never_the_password()
    {
        await File.WriteAllTextAsync(
            Path.Combine(_folder, "appsettings.json"), """{ "Migrations": { "StatementTimeout": 9, "DbLockTimeout": 8 } }""");
        var variables = new Dictionary<string, string>
        {
            ["DATABASE_CONNECTION_STRING"] = "Host=db.example;Username=app;Password=hunter2",
            ["MIGRATIONS_UP__LOCK_TIMEOUT"] = "42",
        };

        var text = await Cli.RunWithAsync(variables, _folder, "config", "up");
        var json = await Cli.RunWithAsync(variables, _folder, "config", "up", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.DoesNotContain("hunter2", text.All, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", json.All, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        var settings = document.RootElement.GetProperty("settings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("option").GetString()!, s => s);
        string Source(string option) => settings[option].GetProperty("source").GetString()!;
        string First(string option) => settings[option].GetProperty("values")[0].GetString()!;
        Assert.Equal(("42", "MIGRATIONS_UP__LOCK_TIMEOUT"), (First("--lock-timeout"), Source("--lock-timeout")));
        Assert.Equal(("8", "appsettings.json (Migrations:DbLockTimeout)"), (First("--db-lock-timeout"), Source("--db-lock-timeout")));
        Assert.Equal("default", Source("--db-statement-timeout"));
        Assert.Equal("DATABASE_CONNECTION_STRING", Source("--connection"));
        Assert.Contains("Password=********", First("--connection"), StringComparison.Ordinal);
        Assert.Contains("from MIGRATIONS_UP__LOCK_TIMEOUT", text.Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ConfiguredParse Parse(string[] args, Dictionary<string, string> variables, RootCommand? root = null)
    {
        var console = new RunnerConsole(TextWriter.Null, TextWriter.Null, n => variables.GetValueOrDefault(n), _folder);
        return RunnerCli.ParseConfigured(root ?? RunnerCli.Build(console), args, console);
    }

    private static string? Value(ConfiguredParse configured, string name)
    {
        Option option = configured.Parse.CommandResult.Command.Options.Single(o => o.Name == name);
        return configured.Parse.GetResult(option) is { Implicit: false } result
            ? string.Join(",", result.Tokens.Select(t => t.Value))
            : null;
    }
}
