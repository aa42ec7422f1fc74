using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Shipping;

/// <summary>A migration that runs long shows signs of life on stderr: which, for how long, and what the server says it does.</summary>
public sealed class ProgressTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_long_migration_prints_progress_lines_naming_it_and_its_wait_on_the_server_and_a_terminal_gets_one_live_line()
    {
        var redirected = await SleepingDatabaseAsync();
        var terminal = await SleepingDatabaseAsync();

        var results = await Task.WhenAll(RunAsync(redirected, terminal: false), RunAsync(terminal, terminal: true));

        var (plain, live) = (results[0], results[1]);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(live.ExitCode == 0, live.ToString());
        var lines = plain.Error.Split('\n').Where(l => l.StartsWith("progress: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(
            @"^progress: migrations? (\d+ \w+ to )?2001 S2001_SlowOne running for \d+ s.*; server: active, waiting on Timeout:PgSleep", l));
        Assert.DoesNotContain('\r', plain.Error);
        // The live line is rewritten in place and cleared before the step's own line; nothing of it stays on a line of its own.
        Assert.Contains("\rprogress: migration", live.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(live.Error.Split('\n'), l => l.StartsWith("progress: ", StringComparison.Ordinal));
        Assert.Equal(CliOutput.ReportedVersions(plain.Out), CliOutput.ReportedVersions(live.Out));
    }

    [Fact]
    public async Task A_progress_interval_of_zero_prints_none()
    {
        var database = await SleepingDatabaseAsync("1.2");

        var result = await Cli.RunWithAsync(
            Cli.EnvironmentFor(database), null, "up", "--to", "2001", "--assembly", Cli.SamplesAssembly, "--progress-interval", "0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("progress:", result.Error, StringComparison.Ordinal);
    }

    // Five seconds against a one-second interval: on two busy cores (the whole suite running) the reporter's timer and
    // its query to the server have been seen to take more than the two seconds a three-second sleep left them.
    private async Task<string> SleepingDatabaseAsync(string seconds = "5")
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
        await SampleDatabases.SetAsync(db, database, "samples.sleep", seconds);
        return database;
    }

    private static async Task<CliResult> RunAsync(string database, bool terminal)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new RunnerConsole(TextWriter.Synchronized(output), TextWriter.Synchronized(error), _ => null, Path.GetTempPath())
        {
            ErrorIsTerminal = terminal,
        };
        var exitCode = await RunnerCli.InvokeAsync(
            ["up", "--to", "2001", "--assembly", Cli.SamplesAssembly, "--progress-interval", "1", "-c", database], console);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
