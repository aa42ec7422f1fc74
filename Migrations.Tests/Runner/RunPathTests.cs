using Migrations.Runner.Cli;
using Migrations.Runner.Session;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Runner;

/// <summary>
/// The shortcuts a run takes for speed: a no-op up that reads without the lock, and migrations sent in pipelined
/// batches. Each must change only how fast the result comes, never what it is.
/// </summary>
public partial class RunPathTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_no_op_up_does_not_wait_for_the_lock_but_an_up_with_work_does()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var pending = await db.CreateDatabaseAsync();
        Assert.Equal(ExitCodes.Success, (await Cli.RunAsync(pending, "up", "--to", "12")).ExitCode);
        await using var holderOfUpToDate = await HoldLockAsync(database);
        await using var holderOfPending = await HoldLockAsync(pending);

        var noOp = await Cli.RunAsync(database, "up", "--lock-timeout", "1");
        var withWork = await Cli.RunAsync(pending, "up", "--lock-timeout", "1");

        Assert.True(noOp.ExitCode == ExitCodes.Success, noOp.ToString());
        Assert.Contains("Nothing to apply; current version 13.", noOp.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, withWork.ExitCode);
        Assert.Contains("waiting for the migration lock", withWork.Error, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 12).Select(v => (long)v), await Db.AppliedVersionsAsync(pending));
    }

    [Fact]
    public async Task An_up_with_nothing_pending_still_records_the_checksums_that_are_missing()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, """DELETE FROM "VersionInfoChecksums" WHERE "Version" IN (3, 7)""");

        var up = await Cli.RunAsync(database, "up");

        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.Contains("Nothing to apply", up.Out, StringComparison.Ordinal);
        Assert.Equal(2L, await Db.ScalarAsync<long>(database, """SELECT count(*) FROM "VersionInfoChecksums" WHERE "RecordedBy" = 'backfill' AND "Version" IN (3, 7)"""));
        Assert.Equal(13L, await Db.ScalarAsync<long>(database, """SELECT count(*) FROM "VersionInfoChecksums" """));
    }

    [Fact]
    public async Task Every_migration_of_a_run_is_reported_once_in_order_the_one_without_a_transaction_in_its_place()
    {
        var database = await db.CreateDatabaseAsync();

        var up = await Cli.RunAsync(database, "up");

        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.Equal(Enumerable.Range(1, 13).Select(v => (long)v), ReportedVersions(up.Out));
        Assert.Equal(Enumerable.Range(1, 13).Select(v => (long)v), await Db.AppliedVersionsAsync(database));
        Assert.Equal(13L, await Db.ScalarAsync<long>(database, """SELECT count(*) FROM "VersionInfoChecksums" WHERE "RecordedBy" = 'up'"""));
    }

    private static List<long> ReportedVersions(string stdout) =>
        [.. StepLine().Matches(stdout).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [System.Text.RegularExpressions.GeneratedRegex(@"(?m)^\s+(\d+)\s+M\d{4}_\w+\s+\d+ ms\s*$")]
    private static partial System.Text.RegularExpressions.Regex StepLine();

    private static async Task<NpgsqlConnection> HoldLockAsync(string database)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", MigrationLock.Key);
        await command.ExecuteScalarAsync();
        return connection;
    }
}
