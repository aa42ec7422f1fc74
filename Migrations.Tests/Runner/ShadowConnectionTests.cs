using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>Every verb that builds a scratch database names --shadow-connection when that server cannot be reached.</summary>
public sealed class ShadowConnectionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("drift")]
    [InlineData("plan")]
    [InlineData("verify")]
    public async Task An_unreachable_shadow_server_is_named_as_the_shadow_server_not_the_connection(string verb)
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(
            database, verb, "--shadow-connection", $"Host=127.0.0.1;Port={LocalPorts.Closed()};Username=scratch;Password=not-shown");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        var error = CliOutput.ErrorLine(result.Error);
        Assert.StartsWith("error: cannot connect to the shadow server 127.0.0.1:", error, StringComparison.Ordinal);
        Assert.Contains("--shadow-connection", CliOutput.NextLine(result.Error) ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("not-shown", result.Error, StringComparison.Ordinal);
    }
}
