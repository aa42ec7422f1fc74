using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.History;

namespace Migrations.Runner.Planning;

/// <summary>The migrations a revert runs, newest first, or the refusal that stops it before anything runs.</summary>
internal sealed record DownPlan(IReadOnlyList<MigrationDefinition> ToRevert, RunnerError? Refusal);

/// <summary>The guards of <c>down</c> and <c>rollback</c>, as pure functions of the catalog and what is applied.</summary>
internal static class DownPlanner
{
    /// <summary>Every applied migration newer than <paramref name="target"/> (0: all).</summary>
    public static DownPlan To(MigrationCatalog catalog, IReadOnlyList<AppliedMigration> applied, long target)
    {
        ArgumentNullException.ThrowIfNull(applied);
        return Resolve(catalog, [.. applied.Where(a => a.Version > target).OrderByDescending(a => a.Version)]);
    }

    /// <summary>The newest <paramref name="steps"/> applied migrations.</summary>
    public static DownPlan Steps(MigrationCatalog catalog, IReadOnlyList<AppliedMigration> applied, int steps)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        return steps > applied.Count
            ? new DownPlan([], new TooManySteps(steps, applied.Count))
            : Resolve(catalog, [.. applied.OrderByDescending(a => a.Version).Take(steps)]);
    }

    // An applied version without its class cannot be reverted: its Down is gone, and skipping it would leave its
    // schema behind (FluentMigrator would skip it silently).
    private static DownPlan Resolve(MigrationCatalog catalog, List<AppliedMigration> toRevert)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var unknown = toRevert.Where(a => !catalog.Migrations.ContainsKey(a.Version)).ToList();
        return unknown.Count > 0
            ? new DownPlan([], new UnknownAppliedVersions(unknown, ""))
            : new DownPlan([.. toRevert.Select(a => catalog.Migrations[a.Version])], null);
    }
}
