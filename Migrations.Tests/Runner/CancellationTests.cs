using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>Ctrl+C during up: the migration in flight is stopped and rolled back, and the runner says so in one line.</summary>
public sealed class CancellationTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Ctrl_C_during_a_migration_rolls_it_back_says_what_stays_applied_and_exits_130()
    {
        var (database, runner) = await SampleDatabases.StartSleepingIn2001Async(db, "60");
        using var owned = runner;
        runner.Interrupt();
        var result = await runner.Completion.WaitAsync(TimeSpan.FromSeconds(40));

        var landed = SampleDatabases.Through(1100);
        Assert.True(result.ExitCode == ExitCodes.Cancelled, result.ToString());
        Assert.Equal(
            $"error: cancelled: migration 2001 S2001_SlowOne was stopped and its transaction rolled back; "
            + $"the {landed.Count} migrations before it stay applied",
            CliOutput.ErrorLine(result.Error));
        Assert.Equal(landed, await Db.AppliedVersionsAsync(database));
        Assert.False(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('slow_2001') IS NOT NULL"));
    }
}
