using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Shipping;

/// <summary>Every verb's help ends with examples of its use.</summary>
public sealed class HelpExampleTests
{
    [Fact]
    public async Task Every_verb_and_group_of_verbs_shows_an_example_in_its_help()
    {
        foreach (var (_, path) in Verbs.All())
        {
            var result = await Cli.RunWithAsync(null, null, [.. path, "--help"]);

            Assert.Equal(0, result.ExitCode);
            var examples = result.Out.Split('\n').SkipWhile(l => l.Trim() != "Examples:").Skip(1)
                .TakeWhile(l => l.Trim().Length > 0).Select(l => l.Trim()).ToList();
            // A verb may word its example inline ("Example: ..."); one in the Examples section starts with the tool's name.
            Assert.True(
                examples.Count > 0 || result.Out.Contains("example", StringComparison.OrdinalIgnoreCase),
                $"{string.Join(' ', path)} --help shows no example:\n{result.Out}");
            Assert.All(examples, e => Assert.StartsWith("migrations ", e, StringComparison.Ordinal));
        }
    }
}
