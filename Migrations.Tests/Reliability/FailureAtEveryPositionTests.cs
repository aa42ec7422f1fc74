using System.Diagnostics;
using System.Globalization;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Reliability;

/// <summary>A migration failing at any position of a run leaves exactly the state before it, and a rerun continues from it.</summary>
[Trait("Category", ReliabilityRun.Category)]
public class FailureAtEveryPositionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData(1001, "S1001_SampleOne")]
    [InlineData(1002, "S1002_SampleTwo")]
    [InlineData(1003, "S1003_SampleThree")]
    [InlineData(1004, "S1004_SampleFour")]
    [InlineData(1005, "S1005_SampleFive")]
    public async Task A_run_failing_at_this_migration_leaves_the_state_of_a_clean_run_to_the_one_before_and_a_rerun_ends_as_a_clean_run(
        long failing, string name)
    {
        var before = failing - 1;
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: false);
        await SampleDatabases.SetAsync(db, database, "samples.fail_at", failing.ToString(CultureInfo.InvariantCulture));

        var failed = await Cli.RunAsync(database, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.Failure, failed.ExitCode);
        CliOutput.AssertOneLineError(failed);
        Assert.StartsWith(
            $"error: migration {failing} {name} failed: P0001 sample migration {failing} fails on purpose",
            failed.Error,
            StringComparison.Ordinal);
        Assert.Contains("\n  hint: ALTER DATABASE ... RESET samples.fail_at\n", failed.Error, StringComparison.Ordinal);
        Assert.Contains(
            "\n  its transaction was rolled back: the schema and VersionInfo are as before it",
            failed.Error,
            StringComparison.Ordinal);
        Assert.StartsWith("next: fix the migration", CliOutput.NextLine(failed.Error), StringComparison.Ordinal);
        Assert.Equal(SampleDatabases.Through(before), await Db.AppliedVersionsAsync(database));
        Assert.Equal(SampleDatabases.Through(before), CliOutput.ReportedVersions(failed.Out));
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, before < 1001 ? 0 : before);

        await SampleDatabases.SetAsync(db, database, "samples.fail_at", null);
        var watch = Stopwatch.StartNew();
        var rerun = await Cli.RunAsync(database, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);
        watch.Stop();

        Assert.True(rerun.ExitCode == ExitCodes.Success, rerun.ToString());
        var rest = SampleDatabases.Through(1005).Where(v => v >= failing).ToList();
        Assert.Equal(rest, CliOutput.ReportedVersions(rerun.Out));
        Assert.Contains($"Applied {rest.Count} migration{(rest.Count == 1 ? "" : "s")} ", rerun.Out, StringComparison.Ordinal);
        Assert.Equal(SampleDatabases.Through(1005), await Db.AppliedVersionsAsync(database));
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 1005);
        ReliabilityRun.Record("fail-at", new Dictionary<string, object?>
        {
            ["failingVersion"] = failing,
            ["appliedBeforeFailure"] = SampleDatabases.Through(before).Count,
            ["exitCode"] = failed.ExitCode,
            ["error"] = CliOutput.ErrorLine(failed.Error),
            ["rerunApplied"] = CliOutput.ReportedVersions(rerun.Out).Count,
            ["rerunMs"] = watch.ElapsedMilliseconds,
        });
    }
}
