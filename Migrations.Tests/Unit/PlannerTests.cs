using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Planning;

namespace Migrations.Tests.Unit;

/// <summary>The guards of up, down and rollback as pure functions: no database, facts made by hand from the catalog.</summary>
public sealed class PlannerTests
{
    private static readonly MigrationCatalog Catalog = MigrationCatalog.ForTypes(PipelineSamples.Plain);
    private static readonly ChecksumSet Checksums =
        new(Catalog.Versions.ToDictionary(v => v, v => $"{v:x4}"), new Dictionary<long, Exception>());

    [Fact]
    public void Up_on_an_empty_history_applies_every_migration_in_order()
    {
        var plan = UpPlanner.Plan(Catalog, Checksums, Facts([]), All);

        Assert.Null(plan.Refusal);
        Assert.Equal(Catalog.Versions, plan.ToApply.Select(m => m.Version));
        Assert.False(UpPlanner.IsNoOp(Catalog, Checksums, Facts([]), All));
    }

    [Fact]
    public void Up_with_everything_applied_and_recorded_is_a_no_op()
    {
        var facts = Facts(Catalog.Versions, stored: Catalog.Versions);

        Assert.True(UpPlanner.IsNoOp(Catalog, Checksums, facts, All));
        Assert.Empty(UpPlanner.Plan(Catalog, Checksums, facts, All).ToApply);
    }

    [Fact]
    public void Applied_migrations_without_a_stored_checksum_are_backfilled_and_make_up_do_work()
    {
        var facts = Facts(Catalog.Versions, stored: Catalog.Versions.Skip(2));

        Assert.False(UpPlanner.IsNoOp(Catalog, Checksums, facts, All));
        Assert.Equal(Catalog.Versions.Take(2), UpPlanner.Plan(Catalog, Checksums, facts, All).ChecksumsToBackfill);
    }

    [Fact]
    public void A_pending_migration_older_than_the_newest_applied_is_refused_unless_allowed()
    {
        var first = Catalog.Versions[0];
        var facts = Facts(Catalog.Versions.Skip(1), stored: Catalog.Versions.Skip(1));

        var refused = UpPlanner.Plan(Catalog, Checksums, facts, All).Refusal;
        var allowed = UpPlanner.Plan(Catalog, Checksums, facts, All with { AllowOutOfOrder = true });

        var outOfOrder = Assert.IsType<OutOfOrderPending>(refused);
        Assert.Equal([first], outOfOrder.Migrations.Select(m => m.Version));
        Assert.Equal(Catalog.Versions[^1], outOfOrder.NewestApplied);
        Assert.Null(allowed.Refusal);
        Assert.Equal([first], allowed.ToApply.Select(m => m.Version));
    }

    [Fact]
    public void An_applied_migration_whose_checksum_changed_is_refused()
    {
        var edited = Catalog.Versions[1];
        var facts = Facts(Catalog.Versions.Take(3), stored: Catalog.Versions.Take(3), storedValue: v => v == edited ? "edited" : $"{v:x4}");

        var changed = Assert.IsType<ChecksumsChanged>(UpPlanner.Plan(Catalog, Checksums, facts, All).Refusal);

        Assert.Equal([edited], changed.Changed.Select(c => c.Version));
        Assert.False(UpPlanner.IsNoOp(Catalog, Checksums, facts, new UpRequest(_ => false)));
    }

    [Fact]
    public void Invalid_indexes_refuse_a_run_with_work_unless_they_may_be_dropped()
    {
        var facts = Facts([]) with { InvalidIndexes = ["public.broken_idx"] };

        var refused = Assert.IsType<InvalidIndexesPresent>(UpPlanner.Plan(Catalog, Checksums, facts, All).Refusal);
        var dropping = UpPlanner.Plan(Catalog, Checksums, facts, All with { DropInvalidIndexes = true });
        var nothingToDo = UpPlanner.Plan(Catalog, Checksums, facts, new UpRequest(_ => false));

        Assert.Equal(["public.broken_idx"], refused.Indexes);
        Assert.Null(dropping.Refusal);
        Assert.Equal(["public.broken_idx"], dropping.IndexesToDrop);
        Assert.Null(nothingToDo.Refusal);
    }

    [Fact]
    public void A_pending_migration_whose_up_is_not_written_is_refused_before_anything_runs()
    {
        var catalog = MigrationCatalog.ForTypes([typeof(PipelineSamples.Stub1), typeof(PipelineSamples.T2)]);
        var checksums = new ChecksumSet(
            new Dictionary<long, string> { [2] = "0002" },
            new Dictionary<long, Exception> { [1] = new NotImplementedException("Write Up() of Stub1") });

        var refused = Assert.IsType<MigrationCannotBeBuilt>(UpPlanner.Plan(catalog, checksums, Facts([]), All).Refusal);

        Assert.True(refused.NotWritten);
        Assert.Equal(1, refused.Migration.Version);
        Assert.Null(UpPlanner.Plan(catalog, checksums, Facts([]), new UpRequest(m => m.Version == 2)).Refusal);
    }

    [Fact]
    public void Down_reverts_newest_first_and_refuses_an_applied_version_it_does_not_know()
    {
        var applied = Applied([.. Catalog.Versions, 9999]);

        var toSecond = DownPlanner.To(Catalog, Applied(Catalog.Versions), Catalog.Versions[1]);
        var pastUnknown = DownPlanner.To(Catalog, applied, 0);

        Assert.Equal(Catalog.Versions.Skip(2).Reverse(), toSecond.ToRevert.Select(m => m.Version));
        Assert.Equal([9999], Assert.IsType<UnknownAppliedVersions>(pastUnknown.Refusal).Versions.Select(a => a.Version));
        Assert.Empty(pastUnknown.ToRevert);
    }

    [Fact]
    public void Rollback_of_more_steps_than_applied_is_refused()
    {
        var applied = Applied(Catalog.Versions.Take(2));

        var tooMany = Assert.IsType<TooManySteps>(DownPlanner.Steps(Catalog, applied, 3).Refusal);
        var one = DownPlanner.Steps(Catalog, applied, 1);

        Assert.Equal((3, 2), (tooMany.Steps, tooMany.Applied));
        Assert.Equal([Catalog.Versions[1]], one.ToRevert.Select(m => m.Version));
    }

    [Fact]
    public void An_unknown_target_is_refused_and_zero_only_where_it_means_none()
    {
        Catalog.RequireTarget(0, zeroAllowed: true);
        Catalog.RequireTarget(Catalog.Versions[^1], zeroAllowed: false);

        var zero = Assert.Throws<RunnerErrorException>(() => Catalog.RequireTarget(0, zeroAllowed: false));
        var beyond = Assert.Throws<RunnerErrorException>(() => Catalog.RequireTarget(Catalog.Versions[^1] + 1, zeroAllowed: true));

        Assert.False(Assert.IsType<UnknownTargetVersion>(zero.Error).ZeroAllowed);
        Assert.Equal(Catalog.Versions[^1] + 1, Assert.IsType<UnknownTargetVersion>(beyond.Error).Target);
    }

    private static UpRequest All => new(_ => true);

    private static List<AppliedMigration> Applied(IEnumerable<long> versions) =>
        [.. versions.Select(v => new AppliedMigration(v, DateTime.UtcNow, $"v{v}"))];

    private static HistoryFacts Facts(
        IEnumerable<long> applied, IEnumerable<long>? stored = null, Func<long, string>? storedValue = null) =>
        new(
            Applied(applied),
            (stored ?? []).ToDictionary(v => v, v => new StoredChecksum(v, storedValue?.Invoke(v) ?? $"{v:x4}", DateTime.UtcNow, "up")),
            [],
            TablesComplete: true);
}
