using Migrations.Runner.Catalog;
using Migrations.Runner.Cli;
using Migrations.Runner.Execution;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>
/// The shortcuts a run takes for speed: a no-op up that reads without the lock, and migrations sent in pipelined
/// batches. Each must change only how fast the result comes, never what it is.
/// </summary>
public class SpeedShortcutTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static IReadOnlyList<long> Versions { get; } = [.. MigrationSet.Default.Entries.Select(m => m.Version)];

    /// <summary>The versions whose SQL the runner can hash before running it: all but those that ask about the schema.</summary>
    private static IReadOnlyList<long> Checksummed { get; } = [.. MigrationChecksums.Compute(MigrationSet.Default).Keys.Order()];

    [Fact]
    public async Task A_no_op_up_does_not_wait_for_the_lock_but_an_up_with_work_does()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var pending = await db.CreateDatabaseAsync();
        Assert.Equal(ExitCodes.Success, (await Cli.RunAsync(pending, "up", "--to", $"{Versions[^2]}")).ExitCode);
        await using var holderOfUpToDate = await RunnerSessions.HoldMigrationLockAsync(database);
        await using var holderOfPending = await RunnerSessions.HoldMigrationLockAsync(pending);

        var noOp = await Cli.RunAsync(database, "up", "--lock-timeout", "1");
        var withWork = await Cli.RunAsync(pending, "up", "--lock-timeout", "1");

        Assert.True(noOp.ExitCode == ExitCodes.Success, noOp.ToString());
        Assert.Contains($"Nothing to apply; current version {Versions[^1]}.", noOp.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, withWork.ExitCode);
        Assert.Contains("waiting for the migration lock", withWork.Error, StringComparison.Ordinal);
        Assert.Equal(Versions.SkipLast(1), await Db.AppliedVersionsAsync(pending));
    }

    [Fact]
    public async Task An_up_with_nothing_pending_still_records_the_checksums_that_are_missing()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, """DELETE FROM "VersionInfoChecksums" WHERE "Version" IN (3, 7)""");

        var up = await Cli.RunAsync(database, "up");

        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.Contains("Nothing to apply", up.Out, StringComparison.Ordinal);
        Assert.Equal([3L, 7], await ChecksumVersionsAsync(database, "backfill"));
        Assert.Equal(Checksummed, await ChecksumVersionsAsync(database, null));
    }

    [Fact]
    public async Task Every_migration_of_a_run_is_reported_once_in_order_the_one_without_a_transaction_in_its_place()
    {
        var database = await db.CreateDatabaseAsync();

        var up = await Cli.RunAsync(database, "up");

        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.Contains(MigrationSet.Default.Entries, m => !m.Transactional);
        Assert.Equal(Versions, CliOutput.ReportedVersions(up.Out));
        Assert.Equal(Versions, await Db.AppliedVersionsAsync(database));
        Assert.Equal(Checksummed, await ChecksumVersionsAsync(database, "up"));
    }

    /// <summary>The versions VersionInfoChecksums holds, all or those recorded by <paramref name="recordedBy"/>, in order.</summary>
    private static async Task<List<long>> ChecksumVersionsAsync(string database, string? recordedBy) =>
        [.. (await Db.ScalarAsync<long[]>(database, $$"""
            SELECT coalesce(array_agg("Version" ORDER BY "Version"), '{}') FROM "VersionInfoChecksums"
            WHERE {{(recordedBy is null ? "true" : $"\"RecordedBy\" = '{recordedBy}'")}}
            """))!];
}
