using System.Diagnostics;
using Migrations.Runner.Cli;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Reliability;

/// <summary>
/// The runner's own lock wait, lock_timeout, statement_timeout and a lost connection: the run fails cleanly, nothing
/// half-applied, a rerun finishes.
/// </summary>
[Trait("Category", ReliabilityRun.Category)]
public class TimeoutTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_runner_waiting_for_the_migration_lock_names_the_holder_and_gives_up_after_the_lock_timeout()
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: false);
        await using var holder = await RunnerSessions.HoldMigrationLockAsync(database, "lock-holder-test");

        var watch = Stopwatch.StartNew();
        var result = await Cli.RunAsync(database, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly, "--lock-timeout", "1");
        watch.Stop();

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        CliOutput.AssertOneLineError(result);
        Assert.Contains("waiting for the migration lock held by pid", result.Error, StringComparison.Ordinal);
        Assert.Contains("lock-holder-test", result.Error, StringComparison.Ordinal);
        Assert.Contains("timed out after 1 s", result.Error, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
        Assert.Empty(await Db.AppliedVersionsAsync(database));
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 0);
    }

    [Fact]
    public async Task A_migration_needing_a_lock_held_by_an_open_transaction_fails_by_db_lock_timeout_and_changes_nothing()
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
        var setup = await Cli.RunAsync(database, "up", "--to", "2101", "--assembly", Cli.SamplesAssembly);
        Assert.True(setup.ExitCode == ExitCodes.Success, setup.ToString());
        var before = await Db.SnapshotAsync(database);
        await using var reader = new NpgsqlConnection(database);
        await reader.OpenAsync();
        // A long report reading the table: its ACCESS SHARE lock is enough to make ALTER TABLE wait.
        await using var transaction = await reader.BeginTransactionAsync();
        await using (var select = new NpgsqlCommand("SELECT count(*) FROM slow_2001", reader, transaction))
        {
            await select.ExecuteScalarAsync();
        }

        var watch = Stopwatch.StartNew();
        var blocked = await Cli.RunAsync(database, "up", "--to", "2200", "--assembly", Cli.SamplesAssembly, "--db-lock-timeout", "1");
        watch.Stop();
        await transaction.RollbackAsync();

        Assert.Equal(ExitCodes.Failure, blocked.ExitCode);
        CliOutput.AssertOneLineError(blocked);
        Assert.StartsWith("error: migration 2200 S2200_TouchSlowOne failed: 55P03", blocked.Error, StringComparison.Ordinal);
        Assert.Contains("lock timeout", CliOutput.FirstLine(blocked.Error), StringComparison.Ordinal);
        // The default lock_timeout is 10 s: well under it shows the option reached the session.
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
        Assert.Equal(SampleDatabases.Through(2101), await Db.AppliedVersionsAsync(database));
        var differences = SchemaComparer.Compare(before, await Db.SnapshotAsync(database));
        Assert.True(differences.Count == 0, Db.Describe(differences));

        var rerun = await Cli.RunAsync(database, "up", "--to", "2200", "--assembly", Cli.SamplesAssembly, "--db-lock-timeout", "1");

        Assert.True(rerun.ExitCode == ExitCodes.Success, rerun.ToString());
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 2200);
        ReliabilityRun.Record("lock-timeout", new Dictionary<string, object?>
        {
            ["option"] = "--db-lock-timeout 1",
            ["failedAfterMs"] = watch.ElapsedMilliseconds,
            ["error"] = CliOutput.ErrorLine(blocked.Error),
        });
    }

    [Fact]
    public async Task A_statement_running_past_db_statement_timeout_is_cancelled_and_its_migration_rolled_back()
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
        await Cli.RunAsync(database, "up", "--to", "1100", "--assembly", Cli.SamplesAssembly);
        await SampleDatabases.SetAsync(db, database, "samples.sleep", "5");

        var watch = Stopwatch.StartNew();
        var cancelled = await Cli.RunAsync(
            database, "up", "--to", "2005", "--assembly", Cli.SamplesAssembly, "--db-statement-timeout", "1");
        watch.Stop();

        Assert.Equal(ExitCodes.Failure, cancelled.ExitCode);
        CliOutput.AssertOneLineError(cancelled);
        Assert.StartsWith("error: migration 2001 S2001_SlowOne failed: 57014", cancelled.Error, StringComparison.Ordinal);
        Assert.Contains("statement timeout", cancelled.Error, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4.5));
        Assert.Equal(SampleDatabases.Through(1100), await Db.AppliedVersionsAsync(database));
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 1100);

        await SampleDatabases.SetAsync(db, database, "samples.sleep", null);
        var rerun = await Cli.RunAsync(database, "up", "--to", "2005", "--assembly", Cli.SamplesAssembly, "--db-statement-timeout", "1");

        Assert.True(rerun.ExitCode == ExitCodes.Success, rerun.ToString());
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 2005);
        ReliabilityRun.Record("statement-timeout", new Dictionary<string, object?>
        {
            ["option"] = "--db-statement-timeout 1",
            ["failedAfterMs"] = watch.ElapsedMilliseconds,
            ["error"] = CliOutput.ErrorLine(cancelled.Error),
        });
    }

    [Fact]
    public async Task A_migration_session_terminated_mid_run_fails_with_a_one_line_error_and_a_rerun_completes()
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
        await Cli.RunAsync(database, "up", "--to", "1100", "--assembly", Cli.SamplesAssembly);
        await SampleDatabases.SetAsync(db, database, "samples.sleep", "60");
        using var runner = Cli.Start(Cli.EnvironmentFor(database), "up", "--to", "2005", "--assembly", Cli.SamplesAssembly);
        CliResult result;
        int? terminated = null;
        try
        {
            var found = await Poll.UntilAsync(
                async () => (terminated = await RunnerSessions.SleepingPidAsync(database)) is not null || runner.HasExited,
                TimeSpan.FromSeconds(60),
                TimeSpan.FromMilliseconds(50));
            Assert.True(
                found is not null && terminated is not null,
                "the runner's migration session never showed up sleeping:\n"
                + (runner.HasExited ? (await runner.Completion).ToString() : "(still running)"));
            Assert.True(await Db.ScalarAsync<bool>(database, $"SELECT pg_terminate_backend({terminated})"));
            result = await runner.Completion;
        }
        finally
        {
            // A failed assertion above must not leave a runner asleep for a minute.
            runner.Kill();
        }

        var clean = false;
        try
        {
            Assert.Equal(ExitCodes.Failure, result.ExitCode);
            CliOutput.AssertOneLineError(result);
            Assert.StartsWith("error: migration 2001 S2001_SlowOne failed: 57P01", result.Error, StringComparison.Ordinal);
            clean = true;
        }
        finally
        {
            // Recorded either way: the figures show what a lost connection really prints.
            ReliabilityRun.Record("connection-lost", new Dictionary<string, object?>
            {
                ["how"] = "pg_terminate_backend of the migration session during pg_sleep",
                ["exitCode"] = result.ExitCode,
                ["error"] = CliOutput.ErrorLine(result.Error),
                ["clearError"] = clean,
            });
        }

        Assert.Equal(SampleDatabases.Through(1100), await Db.AppliedVersionsAsync(database));
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 1100);
        Assert.Null(await RunnerSessions.LockHolderAsync(database));

        await SampleDatabases.SetAsync(db, database, "samples.sleep", null);
        var rerun = await Cli.RunAsync(database, "up", "--to", "2005", "--assembly", Cli.SamplesAssembly);

        Assert.True(rerun.ExitCode == ExitCodes.Success, rerun.ToString());
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 2005);
    }
}
