using Migrations.Authoring;
using Migrations.Runner.Analysis;
using Migrations.Runner.Cli;

namespace Migrations.Tests.Plan;

/// <summary>The parts of plan that need no server: the static rules on SQL text, the --fail-on syntax, [Reviewed].</summary>
public sealed class PlanRulesTests
{
    [Theory]
    [InlineData("VACUUM FULL events", FindingKind.VacuumFull, "public.events")]
    [InlineData("vacuum (full, analyze) app.events", FindingKind.VacuumFull, "app.events")]
    [InlineData("CLUSTER VERBOSE orders USING orders_pkey", FindingKind.Cluster, "public.orders")]
    [InlineData("REINDEX TABLE \"Orders\"", FindingKind.Reindex, "public.Orders")]
    [InlineData("DROP TABLE IF EXISTS \"public\".\"archive\"", FindingKind.DropTable, "public.archive")]
    [InlineData("ALTER TABLE \"public\".\"accounts\" DROP COLUMN \"legacy\"", FindingKind.DropColumn, "public.accounts")]
    [InlineData("alter table only accounts drop if exists legacy", FindingKind.DropColumn, "public.accounts")]
    [InlineData("TRUNCATE TABLE ONLY scratchpad", FindingKind.Truncate, "public.scratchpad")]
    public void A_statement_the_linters_flag_is_found_with_the_table_it_names(string sql, FindingKind kind, string table)
    {
        var finding = Assert.Single(StaticRules.Read([sql]).Findings);

        Assert.Equal(kind, finding.Kind);
        Assert.Equal(table, finding.Table);
    }

    [Theory]
    [InlineData("VACUUM events")]
    [InlineData("REINDEX TABLE CONCURRENTLY events")]
    [InlineData("ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL")]
    [InlineData("ALTER TABLE accounts DROP CONSTRAINT accounts_email_key, ALTER COLUMN score DROP DEFAULT")]
    [InlineData("-- DROP TABLE archive\nSELECT 'TRUNCATE scratchpad'")]
    [InlineData("CREATE INDEX CONCURRENTLY orders_account_idx ON orders (account_id)")]
    public void A_statement_that_only_looks_like_one_is_not_flagged(string sql)
    {
        Assert.Empty(StaticRules.Read([sql]).Findings);
    }

    [Theory]
    [InlineData("SET lock_timeout = '5s'", 5_000)]
    [InlineData("SET LOCAL lock_timeout TO 1500", 1_500)]
    [InlineData("set local lock_timeout = '2min'", 120_000)]
    [InlineData("SET lock_timeout = 0", 0)]
    public void The_lock_timeout_a_migration_sets_is_read(string sql, long milliseconds)
    {
        var reading = StaticRules.Read(["SELECT 1", sql + "; ALTER TABLE t ADD c int"]);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), reading.LockTimeout);
    }

    [Theory]
    [InlineData("rewrite", FailOnSubject.Kind, null, null)]
    [InlineData("access-exclusive:200k", FailOnSubject.AccessExclusive, 200_000L, null)]
    [InlineData("blocks-writes:1M", FailOnSubject.BlocksWrites, 1_000_000L, null)]
    [InlineData("any:100MB", FailOnSubject.Any, null, 100L << 20)]
    [InlineData("Risky:512kB", FailOnSubject.Risky, null, 512L << 10)]
    public void Fail_on_reads_what_and_size(string text, FailOnSubject subject, long? rows, long? bytes)
    {
        var (rule, error) = PlanThresholds.Parse(text);

        Assert.Null(error);
        Assert.Equal(subject, rule!.Subject);
        Assert.Equal(rows, rule.MinRows);
        Assert.Equal(bytes, rule.MinBytes);
    }

    [Theory]
    [InlineData("rewrites", "'rewrites' is not a finding")]
    [InlineData("rewrite:lots", "'lots' is not a size")]
    [InlineData("index:10TB", "'10TB' is not a size")]
    public void A_bad_fail_on_says_what_is_wrong(string text, string message)
    {
        var (rule, error) = PlanThresholds.Parse(text);

        Assert.Null(rule);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_without_size_picks_tables_with_rows_and_one_with_size_only_larger_tables()
    {
        var onLarge = Rewrite(new RelationSize(200_000, 20 << 20));
        var onEmpty = Rewrite(new RelationSize(0, 8192));
        var onNew = Rewrite(null);

        Assert.True(new FailOnRule(FailOnSubject.Kind, FindingKind.Rewrite).Matches(onLarge));
        Assert.False(new FailOnRule(FailOnSubject.Kind, FindingKind.Rewrite).Matches(onEmpty));
        Assert.False(new FailOnRule(FailOnSubject.Risky).Matches(onNew));
        Assert.True(new FailOnRule(FailOnSubject.AccessExclusive, MinRows: 100_000).Matches(onLarge));
        Assert.False(new FailOnRule(FailOnSubject.AccessExclusive, MinRows: 1_000_000).Matches(onLarge));
        Assert.False(new FailOnRule(FailOnSubject.BlocksWrites, MinBytes: 1L << 30).Matches(onLarge));
    }

    [Fact]
    public void Reviewed_is_matched_by_name_on_the_authoring_attribute_too()
    {
        Assert.Equal("small table", PlanService.ReviewedReason(typeof(ReviewedSample)));
        Assert.Null(PlanService.ReviewedReason(typeof(PlanRulesTests)));
    }

    [Theory]
    [InlineData("--json and --markdown cannot be combined", "plan", "--json", "--markdown")]
    [InlineData("'sometimes' is not a finding", "up", "--fail-on", "sometimes")]
    [InlineData("--lock-retries must be 0 or more", "rollback", "--lock-retries", "-1")]
    [InlineData("--lock-retries: 'x' is not a whole number of retries", "down", "--to", "0", "--lock-retries", "x")]
    public async Task Bad_plan_and_retry_options_are_usage_errors_before_any_connection(string message, params string[] args)
    {
        var result = await Infrastructure.Cli.RunWithAsync(null, null, args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    private static PlanFinding Rewrite(RelationSize? size) => new(
        FindingKind.Rewrite, "public.t", null, LockModes.AccessExclusive, Blocks.ReadsAndWrites, Scales.Bytes,
        SafeRewrite.AddNullableThenBackfill, Measured: true, size);

    [Reviewed("small table")]
    private sealed class ReviewedSample;
}
