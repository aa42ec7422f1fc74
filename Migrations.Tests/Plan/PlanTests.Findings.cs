using Migrations.Runner.Cli;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using static Migrations.Tests.Plan.PlanSamples;

namespace Migrations.Tests.Plan;

/// <summary>
/// What <c>plan</c> measures for each kind of finding, on a scratch copy of a target whose two large tables hold
/// <see cref="PlanSamples.LargeRows"/> rows: each finding named, with the lock the server granted, what it blocks, what
/// it grows with and the target's size.
/// </summary>
public sealed partial class PlanTests(PlanTarget target) : IClassFixture<PlanTarget>
{
    [Fact]
    public void A_volatile_default_rewrites_the_table_under_access_exclusive_and_is_sized_by_the_target()
    {
        var rewrite = target.Finding(Rewrite, "rewrite");

        Assert.Equal("public.orders", rewrite.GetProperty("table").GetString());
        Assert.Equal("AccessExclusiveLock", rewrite.GetProperty("lock").GetString());
        Assert.Equal("readsAndWrites", rewrite.GetProperty("blocks").GetString());
        Assert.Equal("bytes", rewrite.GetProperty("scales").GetString());
        Assert.True(rewrite.GetProperty("measured").GetBoolean());
        Assert.InRange(rewrite.GetProperty("rows").GetInt64(), LargeRows * 9 / 10, LargeRows * 11 / 10);
        Assert.True(rewrite.GetProperty("bytes").GetInt64() > 1 << 20);
    }

    [Fact]
    public void A_type_change_that_rewrites_is_reported_with_its_rewrite()
    {
        var change = target.Finding(TypeChangeRewrite, "type-change");

        Assert.Equal("public.accounts", change.GetProperty("table").GetString());
        Assert.Equal("score: integer -> bigint", change.GetProperty("detail").GetString());
        Assert.Equal("bytes", change.GetProperty("scales").GetString());
        Assert.Equal("public.accounts", target.Finding(TypeChangeRewrite, "rewrite").GetProperty("table").GetString());
    }

    [Fact]
    public void A_type_change_the_server_makes_in_place_is_measured_as_no_rewrite()
    {
        var change = target.Finding(TypeChangeInPlace, "type-change");

        Assert.Equal("constant", change.GetProperty("scales").GetString());
        Assert.False(change.GetProperty("risky").GetBoolean());
        Assert.DoesNotContain(target.Findings(TypeChangeInPlace), f => f.GetProperty("kind").GetString() == "rewrite");
    }

    [Fact]
    public void A_plain_index_build_holds_share_and_blocks_writes_for_the_build()
    {
        var index = target.Finding(PlainIndex, "index");

        Assert.Equal("public.accounts", index.GetProperty("table").GetString());
        Assert.Equal("public.accounts_email_idx", index.GetProperty("detail").GetString());
        Assert.Equal("ShareLock", index.GetProperty("lock").GetString());
        Assert.Equal("writes", index.GetProperty("blocks").GetString());
        Assert.Contains("CONCURRENTLY", index.GetProperty("saferWay").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_check_constraint_added_validated_scans_under_a_lock_that_blocks_reads_and_writes()
    {
        var check = target.Finding(Check, "check");

        Assert.Equal("total_positive", check.GetProperty("detail").GetString());
        Assert.Equal("AccessExclusiveLock", check.GetProperty("lock").GetString());
        Assert.Equal("rows", check.GetProperty("scales").GetString());
        Assert.Contains("NOT VALID", check.GetProperty("saferWay").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_foreign_key_added_validated_locks_both_tables()
    {
        var key = target.Finding(ForeignKey, "foreign-key");
        var locks = target.Migration(ForeignKey).GetProperty("locks").EnumerateArray()
            .ToDictionary(l => l.GetProperty("table").GetString()!, l => l.GetProperty("mode").GetString());

        Assert.Equal("public.orders", key.GetProperty("table").GetString());
        Assert.Equal("ShareRowExclusiveLock", locks["public.orders"]);
        Assert.Equal("ShareRowExclusiveLock", locks["public.accounts"]);
        Assert.Equal("writes", key.GetProperty("blocks").GetString());
    }

    [Fact]
    public void Set_not_null_on_an_existing_column_scans_it_under_access_exclusive()
    {
        var notNull = target.Finding(NotNull, "not-null");

        Assert.Equal("email", notNull.GetProperty("detail").GetString());
        Assert.Equal("readsAndWrites", notNull.GetProperty("blocks").GetString());
        Assert.Equal("rows", notNull.GetProperty("scales").GetString());
    }

    [Fact]
    public void An_enum_value_added_is_reported_with_the_values_before_and_after()
    {
        var change = target.Finding(EnumValue, "enum");

        Assert.Equal("public.order_state: new, paid -> new, paid, refunded", change.GetProperty("detail").GetString());
        Assert.False(change.GetProperty("risky").GetBoolean());
    }

    [Fact]
    public void Drop_index_without_concurrently_takes_access_exclusive_on_its_table()
    {
        var drop = target.Finding(DropIndex, "drop-index");

        Assert.Equal("public.orders", drop.GetProperty("table").GetString());
        Assert.Equal("AccessExclusiveLock", drop.GetProperty("lock").GetString());
    }

    [Fact]
    public void A_migration_without_lock_timeout_that_locks_a_table_with_rows_is_reported_and_one_with_the_session_default_is_not()
    {
        var finding = target.Finding(NoLockTimeout, "no-lock-timeout");

        Assert.Equal("public.events", finding.GetProperty("table").GetString());
        Assert.Equal("AccessExclusiveLock", finding.GetProperty("lock").GetString());
        Assert.Empty(target.Findings(SafeAddColumn));
    }

    [Fact]
    public void Vacuum_full_runs_without_a_transaction_is_read_from_its_sql_and_measured_as_a_rewrite()
    {
        var migration = target.Migration(VacuumFull);

        Assert.False(migration.GetProperty("inTransaction").GetBoolean());
        Assert.False(target.Finding(VacuumFull, "vacuum-full").GetProperty("measured").GetBoolean());
        Assert.Equal("public.events", target.Finding(VacuumFull, "vacuum-full").GetProperty("table").GetString());
        Assert.Equal("public.events", target.Finding(VacuumFull, "rewrite").GetProperty("table").GetString());
    }

    [Fact]
    public void Cluster_is_read_from_its_sql_and_measured_as_a_rewrite_under_access_exclusive()
    {
        Assert.Equal("public.orders", target.Finding(Cluster, "cluster").GetProperty("table").GetString());
        Assert.Equal("AccessExclusiveLock", target.Finding(Cluster, "rewrite").GetProperty("lock").GetString());
    }

    [Fact]
    public void Reindex_without_concurrently_is_read_from_its_sql_with_the_lock_it_took()
    {
        var reindex = target.Finding(Reindex, "reindex");

        Assert.Equal("public.events", reindex.GetProperty("table").GetString());
        Assert.Equal("ShareLock", reindex.GetProperty("lock").GetString());
        Assert.Contains("CONCURRENTLY", reindex.GetProperty("saferWay").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Drop_column_is_read_from_the_sql_fluentmigrator_generates()
    {
        var drop = target.Finding(DropColumn, "drop-column");

        Assert.Equal("public.accounts", drop.GetProperty("table").GetString());
        Assert.Equal("legacy", drop.GetProperty("detail").GetString());
        Assert.Contains(target.Migration(DropColumn).GetProperty("statements").EnumerateArray(),
            s => s.GetString()!.Contains("DROP COLUMN \"legacy\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Drop_table_is_reported_with_the_size_of_the_table_it_loses()
    {
        var drop = target.Finding(DropTable, "drop-table");

        Assert.Equal("public.archive", drop.GetProperty("table").GetString());
        Assert.Equal(1000, drop.GetProperty("rows").GetInt64());
        Assert.True(drop.GetProperty("risky").GetBoolean());
    }

    [Fact]
    public void Truncate_is_reported_and_its_new_file_is_not_taken_for_a_rewrite()
    {
        Assert.Equal("public.scratchpad", target.Finding(Truncate, "truncate").GetProperty("table").GetString());
        Assert.DoesNotContain(target.Findings(Truncate), f => f.GetProperty("kind").GetString() == "rewrite");
    }

    [Theory]
    [InlineData(SafeAddColumn)]
    [InlineData(SafeConcurrentIndex)]
    [InlineData(SafeNotValid)]
    [InlineData(SafeValidate)]
    [InlineData(SafeConstantDefault)]
    [InlineData(SafeNotNullCheck)]
    [InlineData(SafeNotNullValidate)]
    [InlineData(SafeSetNotNull)]
    public void A_safe_migration_has_no_finding(long version)
    {
        Assert.True(target.Findings(version).Count == 0, string.Join("\n", target.Findings(version)));
    }

    [Fact]
    public void A_unique_constraint_is_reported_as_the_index_it_builds_with_the_lock_it_holds()
    {
        var index = target.Finding(UniqueConstraint, "index");

        Assert.Equal("public.events_payload_key", index.GetProperty("detail").GetString());
        Assert.Equal("AccessExclusiveLock", index.GetProperty("lock").GetString());
        Assert.Equal("readsAndWrites", index.GetProperty("blocks").GetString());
    }

    [Fact]
    public void A_concurrent_index_build_runs_statement_by_statement_and_says_so()
    {
        var index = Assert.Single(target.Migration(SafeConcurrentIndex).GetProperty("indexes").EnumerateArray());

        Assert.False(target.Migration(SafeConcurrentIndex).GetProperty("inTransaction").GetBoolean());
        Assert.Equal("public.orders_account_idx", index.GetProperty("index").GetString());
        Assert.True(index.GetProperty("concurrently").GetBoolean());
        Assert.True(target.Migration(SafeNotValid).GetProperty("inTransaction").GetBoolean());
    }

    [Fact]
    public void Plan_leaves_the_target_as_it_was_and_drops_its_scratch_database()
    {
        var differences = SchemaComparer.Compare(target.SnapshotBefore, target.SnapshotAfter);

        Assert.True(differences.Count == 0, Infrastructure.Db.Describe(differences));
        Assert.Equal(target.Before, target.After);
        Assert.Equal([1L], target.Report.GetProperty("replayed").EnumerateArray().Select(v => v.GetInt64()));
    }

    [Fact]
    public async Task A_migration_failing_on_the_scratch_database_exits_1_naming_it_and_the_scratch_database_is_dropped()
    {
        var scratchBefore = await PlanTarget.ScratchCountAsync(target.Database);
        var rowsBefore = await Infrastructure.Db.ScalarAsync<string>(target.Database, RowCounts);

        var result = await Cli.RunAsync(target.Database, "plan", "--assembly", target.Assembly);

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains($"migration {Fails} M99_Fails failed on the scratch database", result.Error, StringComparison.Ordinal);
        Assert.Contains("42P01", result.Error, StringComparison.Ordinal);
        Assert.Equal(scratchBefore, await PlanTarget.ScratchCountAsync(target.Database));
        Assert.Equal(rowsBefore, await Infrastructure.Db.ScalarAsync<string>(target.Database, RowCounts));
        Assert.Equal([1L], await Infrastructure.Db.AppliedVersionsAsync(target.Database));
    }

    [Fact]
    public async Task Fail_on_exits_3_when_a_finding_reaches_it_and_0_below_its_size_and_a_reviewed_migration_does_not_count()
    {
        string[] to = ["plan", "--to", $"{Rewrite}", "--assembly", target.Assembly];

        var reached = await Cli.RunAsync(target.Database, [.. to, "--fail-on", "rewrite"]);
        var below = await Cli.RunAsync(target.Database, [.. to, "--fail-on", "access-exclusive:1M", "--fail-on", "rewrite:1GB"]);
        var reviewedOnly = await Cli.RunAsync(
            target.Database, "plan", "--to", $"{Reviewed}", "--fail-on", "any", "--assembly", target.Assembly);
        var bad = await Cli.RunAsync(target.Database, [.. to, "--fail-on", "rewrites:10x"]);

        Assert.True(reached.ExitCode == ExitCodes.CheckFailed, reached.ToString());
        Assert.Contains("! rewrite", reached.Out, StringComparison.Ordinal);
        Assert.Contains("reviewed: the accounts rewrite is accepted", reached.Out, StringComparison.Ordinal);
        Assert.True(below.ExitCode == ExitCodes.Success, below.ToString());
        Assert.True(reviewedOnly.ExitCode == ExitCodes.Success, reviewedOnly.ToString());
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("'rewrites' is not a finding", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_is_a_table_per_migration_marking_what_fails()
    {
        var result = await Cli.RunAsync(
            target.Database, "plan", "--to", $"{PlainIndex}", "--markdown", "--fail-on", "blocks-writes:10k",
            "--assembly", target.Assembly);

        Assert.True(result.ExitCode == ExitCodes.CheckFailed, result.ToString());
        Assert.Contains("### 6 M06_Index", result.Out, StringComparison.Ordinal);
        Assert.Contains(
            "| **fails** | index (public.accounts_email_idx) | public.accounts | SHARE |", result.Out, StringComparison.Ordinal);
    }
}
