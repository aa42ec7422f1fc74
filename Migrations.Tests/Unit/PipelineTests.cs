using FluentMigrator;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Unit;

/// <summary>The pipeline's batching, ordering and failure handling, over a recording stub instead of a server.</summary>
public sealed class PipelineTests
{
    [Fact]
    public void Batches_double_from_one_migration()
    {
        var catalog = MigrationCatalog.ForTypes(PipelineSamples.Plain);
        var channel = new RecordingChannel();

        var steps = Run(catalog, channel);

        var sizes = channel.Batches.Select(b => b.Length).ToList();
        var expected = new List<int>();
        for (int size = 1, left = catalog.Migrations.Count; left > 0; left -= size, size = Math.Min(size * 2, Pipeline.LargestBatch))
        {
            expected.Add(Math.Min(size, left));
        }

        Assert.Equal(expected, sizes);
        Assert.Equal(catalog.Versions, channel.Batches.SelectMany(b => b));
        Assert.Equal(catalog.Versions, steps.Select(s => s.Migration.Version));
    }

    [Fact]
    public void A_non_transactional_migration_drains_the_pipeline_and_runs_alone_in_autocommit()
    {
        var catalog = MigrationCatalog.ForTypes([typeof(PipelineSamples.T1), typeof(PipelineSamples.T2), typeof(PipelineSamples.T3),
            typeof(PipelineSamples.N4), typeof(PipelineSamples.T5)]);
        var channel = new RecordingChannel();

        var steps = Run(catalog, channel);

        var four = channel.Log.FindIndex(l => l.Contains("SELECT 'n4'", StringComparison.Ordinal));
        Assert.True(four > 0, string.Join("\n", channel.Log));
        Assert.All(channel.Log.Take(four), l => Assert.DoesNotContain("5", l, StringComparison.Ordinal));
        Assert.DoesNotContain("begin", channel.Log.Take(four + 1));
        Assert.Equal([[1], [2, 3], [5]], channel.Batches);
        Assert.Equal(catalog.Versions, steps.Select(s => s.Migration.Version));
    }

    [Fact]
    public void A_failure_in_a_batch_reports_that_migration_and_sends_nothing_after_it()
    {
        var catalog = MigrationCatalog.ForTypes(PipelineSamples.Plain);
        var failing = catalog.Versions[4];
        var channel = new RecordingChannel { FailAt = failing };

        var error = Assert.Throws<RunnerErrorException>(() => Run(catalog, channel));

        var failed = Assert.IsType<MigrationFailed>(error.Error);
        Assert.Equal(failing, failed.Migration.Version);
        Assert.Equal(catalog.Versions.IndexOf(failing), failed.DoneBefore);
        Assert.Contains("fails on purpose", failed.Reason, StringComparison.Ordinal);
        Assert.Equal("rollback", channel.Log[^1]);
        Assert.DoesNotContain(channel.Batches.SelectMany(b => b), v => v > channel.Batches[^1][^1]);
    }

    [Fact]
    public void A_schema_question_waits_until_everything_before_it_has_landed()
    {
        var catalog = MigrationCatalog.ForTypes([typeof(PipelineSamples.T1), typeof(PipelineSamples.T2), typeof(PipelineSamples.Q3)]);
        var channel = new RecordingChannel();

        Run(catalog, channel);

        var question = channel.Log.IndexOf("question");
        Assert.True(question > channel.Log.IndexOf("batch 2"), string.Join("\n", channel.Log));
        Assert.Equal([1, 2, 3], channel.Batches.SelectMany(b => b));
    }

    [Fact]
    public void Csharp_against_the_connection_runs_alone_inside_its_own_transaction()
    {
        var catalog = MigrationCatalog.ForTypes([typeof(PipelineSamples.T1), typeof(PipelineSamples.C2), typeof(PipelineSamples.T3)]);
        var channel = new RecordingChannel();

        Run(catalog, channel);

        var begin = channel.Log.IndexOf("begin");
        var perform = channel.Log.IndexOf("perform");
        var commit = channel.Log.FindIndex(
            l => l.StartsWith("execute", StringComparison.Ordinal) && l.Contains("COMMIT", StringComparison.Ordinal));
        Assert.True(channel.Log.IndexOf("batch 1") < begin && begin < perform && perform < commit, string.Join("\n", channel.Log));
        Assert.Equal([[1], [3]], channel.Batches);
    }

    [Fact]
    public void Reverting_runs_the_plan_in_the_order_given()
    {
        var catalog = MigrationCatalog.ForTypes(PipelineSamples.Plain);
        var channel = new RecordingChannel();
        var plan = catalog.Migrations.Values.Reverse().ToList();

        var steps = new Pipeline(channel, catalog, []).Run(plan, up: false, m => Bookkeeping.Reverted(m, VersionTable.Default),
            CancellationToken.None);

        Assert.Equal(plan.Select(m => m.Version), steps.Select(s => s.Migration.Version));
        Assert.Equal(plan.Select(m => m.Version), channel.Batches.SelectMany(b => b));
    }

    private static IReadOnlyList<MigrationStep> Run(MigrationCatalog catalog, RecordingChannel channel) =>
        new Pipeline(channel, catalog, []).Run(
            [.. catalog.Migrations.Values], up: true, m => Bookkeeping.Applied(m, new Dictionary<long, string>(), VersionTable.Default),
            CancellationToken.None);
}

/// <summary>Migrations only the pipeline tests see: internal, so no assembly scan finds them.</summary>
internal static class PipelineSamples
{
    public static readonly Type[] Plain =
        [typeof(T1), typeof(T2), typeof(T3), typeof(T5), typeof(T6), typeof(T7), typeof(T8), typeof(T9), typeof(T10), typeof(T11)];

    internal abstract class Plainly : Migration
    {
        public override void Up() => Execute.Sql($"SELECT '{GetType().Name.ToLowerInvariant()}'");

        public override void Down() => Execute.Sql($"SELECT 'undo {GetType().Name.ToLowerInvariant()}'");
    }

    [Migration(1)] internal sealed class T1 : Plainly;
    [Migration(2)] internal sealed class T2 : Plainly;
    [Migration(3)] internal sealed class T3 : Plainly;
    [Migration(4, TransactionBehavior.None)] internal sealed class N4 : Plainly;
    [Migration(5)] internal sealed class T5 : Plainly;
    [Migration(6)] internal sealed class T6 : Plainly;
    [Migration(7)] internal sealed class T7 : Plainly;
    [Migration(8)] internal sealed class T8 : Plainly;
    [Migration(9)] internal sealed class T9 : Plainly;
    [Migration(10)] internal sealed class T10 : Plainly;
    [Migration(11)] internal sealed class T11 : Plainly;

    [Tags("Production")]
    [Migration(12)]
    internal sealed class Tagged12 : Plainly;

    [Migration(3)]
    internal sealed class Q3 : Migration
    {
        public override void Up()
        {
            if (!Schema.Table("widgets").Exists())
            {
                Execute.Sql("SELECT 'q3'");
            }
        }

        public override void Down() => Execute.Sql("SELECT 'undo q3'");
    }

    [Migration(2)]
    internal sealed class C2 : Migration
    {
        public override void Up() => Execute.WithConnection((_, _) => { });

        public override void Down() => Execute.WithConnection((_, _) => { });
    }

    [Migration(1)]
    internal sealed class Stub1 : Migration
    {
        public override void Up() => throw new NotImplementedException("Write Up() of Stub1");

        public override void Down() => throw new NotImplementedException("Write Down() of Stub1");
    }
}
