using System.Diagnostics;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;
using Xunit.Sdk;

namespace Migrations.Tests.Reliability;

/// <summary>A runner killed with SIGKILL at a random moment of its run leaves nothing locked and nothing a rerun cannot finish.</summary>
[Trait("Category", ReliabilityRun.Category)]
public class CrashTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    // Five slow migrations of 0.5 s each after six fast ones: about 2.6 s of run once the lock is taken, of which the
    // kills aim at the first second, leaving room for a late look at the lock on a busy machine (with 0.3 s, a CI run
    // once saw a kill land after the end).
    private const string SleepSeconds = "0.5";
    private static readonly TimeSpan KillWindow = TimeSpan.FromMilliseconds(1000);

    [Fact]
    public async Task A_runner_killed_mid_run_frees_the_lock_and_a_rerun_ends_equal_to_a_clean_run()
    {
        var trials = new List<Dictionary<string, object?>>();
        // Every trial runs even after one fails: the figures say how often, and what broke.
        var failures = new List<string>();
        for (var trial = 1; trial <= ReliabilityRun.Trials; trial++)
        {
            var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
            await SampleDatabases.SetAsync(db, database, "samples.sleep", SleepSeconds);
            using var runner = Cli.Start(Cli.EnvironmentFor(database), "up", "--to", "2005", "--assembly", Cli.SamplesAssembly);

            // The clock starts when the runner holds the lock: earlier kills only interrupt the start of a process.
            var locked = await Poll.UntilAsync(
                async () => runner.HasExited || await RunnerSessions.LockHolderAsync(database) is not null,
                TimeSpan.FromSeconds(60));
            if (locked is null || runner.HasExited)
            {
                runner.Kill();
                Assert.Fail($"trial {trial}: the runner never took the lock:\n{await runner.Completion}");
            }

            var delay = TimeSpan.FromMilliseconds(Random.Shared.Next((int)KillWindow.TotalMilliseconds));
            await Task.Delay(delay);
            var midRun = !runner.HasExited;
            runner.Kill();
            var killed = await runner.Completion;
            var figures = new Dictionary<string, object?> { ["midRun"] = midRun, ["killAfterLockMs"] = (long)delay.TotalMilliseconds };
            trials.Add(figures);
            try
            {
                // A runner that beat the kill must have finished its run properly.
                Assert.True(midRun || killed.ExitCode == ExitCodes.Success, killed.ToString());
                var lockFreed = await Poll.UntilAsync(
                    async () => await RunnerSessions.LockHolderAsync(database) is null,
                    TimeSpan.FromSeconds(10));
                Assert.True(lockFreed is not null, "the migration lock is still held 10 s after the kill");
                figures["lockFreedMs"] = (long)lockFreed.Value.TotalMilliseconds;
                // The killed runner's migration session ends when the server notices its client is gone (within a second
                // on PostgreSQL 14 and later), rolling back the migration in flight; what it leaves applied is read once
                // it is gone.
                var sessionsGone = await Poll.UntilAsync(
                    async () => await RunnerSessions.CountAsync(database) == 0,
                    TimeSpan.FromSeconds(10));
                Assert.True(sessionsGone is not null, "the killed runner's sessions outlived it by 10 s");
                figures["sessionsGoneMs"] = (long)sessionsGone.Value.TotalMilliseconds;
                // Read without the runner's own checks, which a half-made VersionInfo would trip before the rerun could show what it does.
                var appliedAtKill = await RecordedVersionsAsync(database);
                figures["appliedAtKill"] = appliedAtKill.Count;
                figures["versionInfoColumnsAtKill"] = await VersionInfoColumnsAsync(database);
                Assert.Equal(SampleDatabases.Through(appliedAtKill.Count == 0 ? 0 : appliedAtKill[^1]), appliedAtKill);

                await SampleDatabases.SetAsync(db, database, "samples.sleep", null);
                var watch = Stopwatch.StartNew();
                var rerun = await Cli.RunAsync(database, "up", "--to", "2005", "--assembly", Cli.SamplesAssembly);
                figures["rerunMs"] = watch.ElapsedMilliseconds;

                Assert.True(
                    rerun.ExitCode == ExitCodes.Success,
                    $"killed after {appliedAtKill.Count} migrations, the rerun failed:\n{rerun}");
                Assert.Equal(SampleDatabases.ThroughSlowSet.Skip(appliedAtKill.Count), CliOutput.ReportedVersions(rerun.Out));
                Assert.Equal(SampleDatabases.ThroughSlowSet, await Db.AppliedVersionsAsync(database));
                await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 2005);
            }
            catch (XunitException e)
            {
                failures.Add($"trial {trial} (kill {delay.TotalMilliseconds:0} ms after the lock): {e.Message}");
            }

            await SampleDatabases.DropAsync(db, database);
        }

        // A kill after the end proves nothing; a few on a slow machine are tolerable, most must land mid-run.
        var midRunKills = trials.Count(t => (bool)t["midRun"]!);
        ReliabilityRun.Record("kill-9", new Dictionary<string, object?>
        {
            ["trialsRun"] = trials.Count,
            ["trialsPassed"] = trials.Count - failures.Count,
            ["midRunKills"] = midRunKills,
            ["killAfterLockMsMin"] = trials.Min(t => (long)t["killAfterLockMs"]!),
            ["killAfterLockMsMax"] = trials.Max(t => (long)t["killAfterLockMs"]!),
            // How many trials left 0, 1, ... 11 migrations applied: kills spread over the run, not bunched at one point.
            ["appliedAtKillHistogram"] = Histogram(trials, "appliedAtKill"),
            ["versionInfoColumnsAtKillHistogram"] = Histogram(trials, "versionInfoColumnsAtKill"),
            ["lockFreedMsMax"] = Max(trials, "lockFreedMs"),
            ["sessionsGoneMsMax"] = Max(trials, "sessionsGoneMs"),
            ["rerunMsMax"] = Max(trials, "rerunMs"),
            ["firstFailure"] = failures.FirstOrDefault()?.Split('\n').Take(6).Aggregate((a, b) => a + " / " + b),
        });
        Assert.True(failures.Count == 0, $"{failures.Count} of {trials.Count} trials failed:\n{string.Join("\n\n", failures)}");
        Assert.True(
            midRunKills >= trials.Count - (trials.Count / 5),
            $"only {midRunKills} of {trials.Count} kills landed before the run ended");
    }

    /// <summary>
    /// The runner sends a migration's COMMIT with its statements, so the server holds it while the migration runs: a
    /// runner killed then must still leave that migration, and every one queued after it, unapplied.
    /// </summary>
    [Fact]
    public async Task A_runner_killed_while_a_migration_runs_leaves_it_and_the_migrations_sent_after_it_unapplied()
    {
        var (database, runner) = await SampleDatabases.StartSleepingIn2001Async(db, "4");
        using var owned = runner;
        runner.Kill();
        await runner.Completion;
        var sessionsGone = await Poll.UntilAsync(async () => await RunnerSessions.CountAsync(database) == 0, TimeSpan.FromSeconds(15));

        Assert.True(sessionsGone is not null, "the killed runner's session outlived it by 15 s");
        Assert.Equal(SampleDatabases.Through(1100), await RecordedVersionsAsync(database));
        Assert.False(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('slow_2001') IS NOT NULL"));
        Assert.Null(await RunnerSessions.LockHolderAsync(database));
    }

    /// <summary>
    /// FluentMigrator creates VersionInfo in three transactions (the table with Version; its unique index and
    /// AppliedOn; Description). A runner killed between them leaves one of these shapes, with no rows.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_VersionInfo_left_after_this_many_of_FluentMigrators_three_creation_steps_does_not_block_the_next_up(int stepsDone)
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: false);
        await Db.ExecuteAsync(database, """CREATE TABLE "VersionInfo" ("Version" bigint NOT NULL)""");
        if (stepsDone == 2)
        {
            await Db.ExecuteAsync(database, """
                CREATE UNIQUE INDEX "UC_Version" ON "VersionInfo" ("Version");
                ALTER TABLE "VersionInfo" ADD "AppliedOn" timestamp;
                """);
        }

        var rerun = await Cli.RunAsync(database, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);

        Assert.True(rerun.ExitCode == ExitCodes.Success, rerun.ToString());
        Assert.Equal(SampleDatabases.Through(1005), await Db.AppliedVersionsAsync(database));
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 1005);
    }

    private static async Task<List<long>> RecordedVersionsAsync(string database) =>
        await Db.ScalarAsync<bool>(database, """SELECT to_regclass('public."VersionInfo"') IS NOT NULL""")
            ? [.. (await Db.ScalarAsync<long[]>(
                database, """SELECT coalesce(array_agg("Version" ORDER BY "Version"), '{}') FROM public."VersionInfo" """))!]
            : [];

    private static async Task<long> VersionInfoColumnsAsync(string database) =>
        await Db.ScalarAsync<long>(database, """
            SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('public."VersionInfo"') AND attnum > 0 AND NOT attisdropped
            """);

    private static string Histogram(List<Dictionary<string, object?>> trials, string key) =>
        string.Join(" ", trials
            .Where(t => t.ContainsKey(key))
            .GroupBy(t => Convert.ToInt64(t[key], System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key)
            .Select(g => $"{g.Key}:{g.Count()}"));

    private static long? Max(List<Dictionary<string, object?>> trials, string key) =>
        trials.Where(t => t.ContainsKey(key)).Select(t => (long?)t[key]).Max();
}
