using System.Text.RegularExpressions;
using FluentMigrator;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>An error about something the user gave names the option it was given in, not a neighbouring one.</summary>
public sealed partial class GivenOptionNamingTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("--from")]
    [InlineData("--to")]
    public async Task Diff_names_the_source_whose_database_cannot_be_reached(string option)
    {
        var live = await db.CreateDatabaseAsync();
        var unreachable = $"Host=127.0.0.1;Port={LocalPorts.Closed()};Username=elsewhere;Password=not-shown";
        string[] sources = option == "--from" ? ["--from", unreachable, "--to", "live"] : ["--from", "live", "--to", unreachable];

        var result = await Cli.RunAsync(live, ["diff", .. sources]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.StartsWith("error: cannot connect to 127.0.0.1:", CliOutput.ErrorLine(result.Error), StringComparison.Ordinal);
        var next = CliOutput.NextLine(result.Error) ?? "";
        Assert.Contains($"in {option}", next, StringComparison.Ordinal);
        Assert.DoesNotContain("--connection", next, StringComparison.Ordinal);
        Assert.DoesNotContain("not-shown", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_from_live_that_cannot_be_reached_names_the_connection()
    {
        var own = $"Host=127.0.0.1;Port={LocalPorts.Closed()};Username=own";

        var result = await Cli.RunAsync(own, "diff", "--from", "live", "--to", "live");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("--connection", CliOutput.NextLine(result.Error) ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_that_selects_no_migration_is_named_with_how_many_it_left_out_and_exit_2()
    {
        var inAssembly = typeof(LegacyScript).Assembly.GetTypes().Count(t => t.IsDefined(typeof(MigrationAttribute), inherit: false));

        var result = await Cli.RunAsync(
            $"Host=127.0.0.1;Port={LocalPorts.Closed()};Username=nobody", "status", "--namespace", "No.Such.Namespace", "--nested");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var error = CliOutput.ErrorLine(result.Error);
        Assert.Contains("--namespace No.Such.Namespace --nested", error, StringComparison.Ordinal);
        Assert.Equal(inAssembly, int.Parse(LeftOut().Match(error).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("--assembly", CliOutput.NextLine(result.Error) ?? "", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"left out all (\d+) migrations")]
    private static partial Regex LeftOut();
}
