using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Shipping;

/// <summary>What the command line says wins over configuration, and config names where each value came from.</summary>
public sealed class ConfigurationPrecedenceTests
{
    [Fact]
    public async Task Format_text_on_the_command_line_wins_over_json_from_a_variable()
    {
        var result = await Cli.RunWithAsync(
            new Dictionary<string, string> { ["MIGRATIONS_JSON"] = "true" }, null,
            "status", "--format", "text", "--connection", $"Host=127.0.0.1;Port={LocalPorts.Closed()}");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.StartsWith("error: cannot connect to 127.0.0.1:", CliOutput.ErrorLine(result.Error), StringComparison.Ordinal);
        Assert.DoesNotContain("{", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_names_the_variable_an_option_every_verb_takes_came_from()
    {
        var result = await Cli.RunWithAsync(new Dictionary<string, string> { ["MIGRATIONS_VERBOSE"] = "true" }, null, "config", "status");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var lines = result.Out.ReplaceLineEndings("\n").Split('\n');
        var at = Array.FindIndex(lines, l => l.TrimStart().StartsWith("--verbose ", StringComparison.Ordinal));
        Assert.True(at >= 0, result.Out);
        Assert.Contains("from MIGRATIONS_VERBOSE;", lines[at + 1], StringComparison.Ordinal);
    }
}
