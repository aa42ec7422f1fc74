using Migrations.Runner.Catalog;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Planning;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>The SQL one migration would run, its bookkeeping included.</summary>
public sealed record PreviewStep(MigrationEntry Migration, IReadOnlyList<string> Sql);

/// <summary>The SQL that up or down would run, generated as they would generate it; executes nothing.</summary>
public sealed class PreviewService(MigrationSet migrations, string connectionString, TextWriter? verbose = null)
{
    /// <summary>What <c>up</c> (to <paramref name="target"/>) would run.</summary>
    public async Task<IReadOnlyList<PreviewStep>> UpAsync(long? target, CancellationToken cancellationToken = default)
    {
        if (target is { } t)
        {
            migrations.Catalog.RequireTarget(t, zeroAllowed: false);
        }

        await using var connection = await Database.OpenAsync(connectionString, pooling: false, cancellationToken);
        var applied = (await VersionHistory.ReadAsync(connection, cancellationToken)).Select(a => a.Version).ToHashSet();
        var plan = migrations.Catalog.Migrations.Values
            .Where(m => m.Version <= (target ?? long.MaxValue) && !applied.Contains(m.Version))
            .ToList();
        var checksums = MigrationChecksums.Compute(migrations);
        return Preview(connection, plan, up: true, m => Bookkeeping.Applied(m, checksums));
    }

    /// <summary>What <c>down --to</c> <paramref name="target"/> would run.</summary>
    /// <exception cref="Errors.RunnerErrorException">
    /// The target is unknown, or an applied version it would pass is not in the set.
    /// </exception>
    public async Task<IReadOnlyList<PreviewStep>> DownAsync(long target, CancellationToken cancellationToken = default)
    {
        migrations.Catalog.RequireTarget(target, zeroAllowed: true);
        await using var connection = await Database.OpenAsync(connectionString, pooling: false, cancellationToken);
        var applied = await VersionHistory.ReadAsync(connection, cancellationToken);
        var plan = DownPlanner.To(migrations.Catalog, applied, target);
        if (plan.Refusal is { } refusal)
        {
            throw new Errors.RunnerErrorException(
                refusal is Errors.UnknownAppliedVersions unknown ? unknown with { SetName = migrations.Name } : refusal);
        }

        return Preview(connection, plan.ToRevert, up: false, Bookkeeping.Reverted);
    }

    private List<PreviewStep> Preview(
        NpgsqlConnection connection, IReadOnlyList<MigrationDefinition> plan, bool up, Func<MigrationDefinition, Bookkeeping> bookkeeping)
    {
        var builder = new ExpressionBuilder(migrations.Catalog);
        var processor = SqlProcessor.Collecting(new NpgsqlChannel(connection), verbose);
        var steps = new List<PreviewStep>();
        foreach (var migration in plan)
        {
            processor.Clear();
            builder.Apply(migration.Create(), up, processor);
            bookkeeping(migration).Write(processor);
            steps.Add(new PreviewStep(migration.Entry, [.. processor.Statements]));
        }

        return steps;
    }
}
