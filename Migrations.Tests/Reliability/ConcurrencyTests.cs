using System.Diagnostics;
using System.Globalization;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Reliability;

/// <summary>Runner processes started together against one database: the migration lock serialises them.</summary>
[Trait("Category", ReliabilityRun.Category)]
public class ConcurrencyTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string WaitingMessage = "waiting for the migration lock held by";

    [Fact]
    public async Task K_runners_started_together_apply_every_migration_exactly_once_and_the_waiters_name_the_holder()
    {
        var k = ReliabilityRun.Processes;
        var trials = new List<Dictionary<string, object?>>();
        for (var trial = 1; trial <= ReliabilityRun.Trials; trial++)
        {
            var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
            // The holder sleeps in each slow migration, so runners that start within that time must queue behind it.
            await SampleDatabases.SetAsync(db, database, "samples.sleep", "0.3");
            var environment = Cli.EnvironmentFor(database);
            var wall = Stopwatch.StartNew();

            var processes = Enumerable.Range(0, k)
                .Select(_ => Cli.Start(environment, "up", "--to", "2005", "--assembly", Cli.SamplesAssembly))
                .ToList();
            var results = await Task.WhenAll(processes.Select(p => p.Completion));
            wall.Stop();
            processes.ForEach(p => p.Dispose());

            Assert.All(results, r => Assert.True(r.ExitCode == ExitCodes.Success, $"trial {trial}: {r}"));
            var reported = results.SelectMany(r => CliOutput.ReportedVersions(r.Out)).Order().ToList();
            Assert.Equal(SampleDatabases.ThroughSlowSet, reported);
            Assert.Equal(SampleDatabases.ThroughSlowSet, await Db.AppliedVersionsAsync(database));
            Assert.Equal(
                SampleDatabases.ThroughSlowSet.Count,
                await Db.ScalarAsync<long>(database, """SELECT count(DISTINCT "Version") FROM "VersionInfo" """));
            Assert.Equal(10L, await Db.ScalarAsync<long>(database, """
                SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND (tablename LIKE 'sample\_1%' OR tablename LIKE 'slow\_%')
                """));
            await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 2005);
            var waiters = results.Where(r => r.Error.Contains(WaitingMessage, StringComparison.Ordinal)).ToList();
            Assert.True(
                waiters.Count >= 1,
                $"trial {trial}: no runner waited, so the lock was never contended:\n{string.Join("\n", results)}");
            Assert.All(waiters, w => Assert.Contains("(Migrations.Runner", w.Error, StringComparison.Ordinal));
            Assert.Single(results, r => CliOutput.ReportedVersions(r.Out).Contains(1001));

            await SampleDatabases.DropAsync(db, database);
            trials.Add(new()
            {
                ["trial"] = trial,
                ["wallMs"] = wall.ElapsedMilliseconds,
                ["waiters"] = waiters.Count,
                ["runnersThatApplied"] = results.Count(r => CliOutput.ReportedVersions(r.Out).Count > 0),
                ["appliedTotal"] = reported.Count,
            });
        }

        ReliabilityRun.Record("concurrent-up", new Dictionary<string, object?>
        {
            ["trialsPassed"] = trials.Count,
            ["runs"] = trials.Count * k,
            ["migrationsPerTrial"] = SampleDatabases.ThroughSlowSet.Count,
            ["waitersMin"] = trials.Min(t => (int)t["waiters"]!),
            ["waitersMax"] = trials.Max(t => (int)t["waiters"]!),
            ["waitersTotal"] = trials.Sum(t => (int)t["waiters"]!),
            ["wallMsMedian"] = Median(trials.Select(t => (long)t["wallMs"]!)),
            ["wallMsMax"] = trials.Max(t => (long)t["wallMs"]!),
        });
    }

    [Fact]
    public async Task Up_racing_rollback_ends_in_one_of_the_two_serial_orders_with_VersionInfo_matching_the_schema()
    {
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var trial = 1; trial <= ReliabilityRun.Trials; trial++)
        {
            var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
            var setup = await Cli.RunAsync(database, "up", "--to", "2003", "--assembly", Cli.SamplesAssembly);
            Assert.True(setup.ExitCode == ExitCodes.Success, setup.ToString());
            await SampleDatabases.SetAsync(db, database, "samples.sleep", "0.3");
            var environment = Cli.EnvironmentFor(database);

            using var upProcess = Cli.Start(environment, "up", "--to", "2005", "--assembly", Cli.SamplesAssembly);
            using var rollbackProcess = Cli.Start(environment, "rollback", "--steps", "2", "--assembly", Cli.SamplesAssembly);
            var up = await upProcess.Completion;
            var rollback = await rollbackProcess.Completion;

            Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
            Assert.True(rollback.ExitCode == ExitCodes.Success, rollback.ToString());
            var applied = CliOutput.ReportedVersions(up.Out);
            var reverted = CliOutput.ReportedVersions(rollback.Out);
            var versions = await Db.AppliedVersionsAsync(database);
            // Serial orders only: up then rollback leaves 2003, rollback then up leaves 2005. Anything interleaved differs.
            string order;
            if (applied.SequenceEqual([2004L, 2005]) && reverted.SequenceEqual([2005L, 2004]))
            {
                order = "up-then-rollback";
                Assert.Equal(SampleDatabases.Through(2003), versions);
            }
            else
            {
                order = "rollback-then-up";
                Assert.True(
                    reverted.SequenceEqual([2003L, 2002]) && applied.SequenceEqual([2002L, 2003, 2004, 2005]),
                    $"interleaved:\n{up}\n{rollback}");
                Assert.Equal(SampleDatabases.Through(2005), versions);
            }

            await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, versions[^1]);
            outcomes[order] = outcomes.GetValueOrDefault(order) + 1;
            await SampleDatabases.DropAsync(db, database);
        }

        ReliabilityRun.Record("up-vs-rollback", Outcomes(outcomes));
    }

    [Fact]
    public async Task Up_racing_baseline_ends_in_one_of_the_two_serial_orders_with_VersionInfo_matching_the_schema()
    {
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var trial = 1; trial <= ReliabilityRun.Trials; trial++)
        {
            // A database built by hand to the schema of 1001..1003, without any history: what baseline adopts.
            var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: false);
            var setup = await Cli.RunAsync(database, "up", "--to", "1003", "--assembly", Cli.SamplesAssembly);
            Assert.True(setup.ExitCode == ExitCodes.Success, setup.ToString());
            await Db.ExecuteAsync(database, """DROP TABLE "VersionInfo"; DROP TABLE "VersionInfoChecksums";""");
            var environment = Cli.EnvironmentFor(database);

            using var upProcess = Cli.Start(environment, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);
            using var baselineProcess = Cli.Start(environment, "baseline", "--version", "1003", "--assembly", Cli.SamplesAssembly);
            var up = await upProcess.Completion;
            var baseline = await baselineProcess.Completion;

            Assert.True(baseline.ExitCode == ExitCodes.Success, baseline.ToString());
            Assert.Contains("Proved: the schema equals migrations 1..1003", baseline.Out, StringComparison.Ordinal);
            var versions = await Db.AppliedVersionsAsync(database);
            string order;
            if (up.ExitCode == ExitCodes.Success)
            {
                // Baseline first: up found 1001..1003 recorded and applied the rest.
                order = "baseline-then-up";
                Assert.Equal([1004L, 1005], CliOutput.ReportedVersions(up.Out));
                Assert.Equal(SampleDatabases.Through(1005), versions);
            }
            else
            {
                // Up first: it found objects but no history and refused, writing nothing; baseline then adopted the schema.
                order = "up-then-baseline";
                Assert.Equal(ExitCodes.Failure, up.ExitCode);
                Assert.Contains("refusing to migrate: the database holds", up.Error, StringComparison.Ordinal);
                Assert.Contains("but no VersionInfo", up.Error, StringComparison.Ordinal);
                Assert.Equal(SampleDatabases.Through(1003), versions);
            }

            await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, versions[^1]);
            outcomes[order] = outcomes.GetValueOrDefault(order) + 1;
            await SampleDatabases.DropAsync(db, database);
        }

        ReliabilityRun.Record("up-vs-baseline", Outcomes(outcomes));
    }

    private static Dictionary<string, object?> Outcomes(Dictionary<string, int> outcomes) => new()
    {
        ["trialsPassed"] = outcomes.Values.Sum(),
        ["orders"] = string.Join(", ", outcomes
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value}"))),
    };

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
