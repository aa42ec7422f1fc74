using FluentMigrator.Runner.Constraints;
using FluentMigrator.Runner.Versioning;
using Migrations.Runner.Catalog;

namespace Migrations.Runner.Planning;

/// <summary>
/// FluentMigrator's migration constraints, evaluated as its MigrationRunner evaluates them: each [MigrationConstraint]
/// of a pending migration asked with the runner options and the VersionInfo read when the run began (its version loader
/// does not reload it between migrations), so a migration that needs version N runs on the first run that starts at N
/// or later, not in the run that applies N.
/// </summary>
internal static class ConstraintGate
{
    /// <summary>The pending migrations the request includes and their constraints let run, in version order.</summary>
    public static List<MigrationDefinition> Pending(MigrationCatalog catalog, HistoryFacts facts, UpRequest request)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(request);
        MigrationConstraintContext? context = null;
        return [.. catalog.Migrations.Values.Where(m =>
            request.Include(m)
            && !facts.AppliedVersions.Contains(m.Version)
            && (!request.EvaluateConstraints || m.Constraints.Count == 0 || Allows(m, context ??= Context(catalog, facts))))];
    }

    /// <summary>Pending migrations the request includes but a constraint holds back (what status may mention).</summary>
    public static IReadOnlyList<MigrationDefinition> HeldBack(MigrationCatalog catalog, HistoryFacts facts)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(facts);
        var context = Context(catalog, facts);
        return [.. catalog.Migrations.Values.Where(m =>
            m.Constraints.Count > 0 && !facts.AppliedVersions.Contains(m.Version) && !Allows(m, context))];
    }

    private static bool Allows(MigrationDefinition migration, MigrationConstraintContext context) =>
        migration.Constraints.All(c => c.ShouldRun(context));

    private static MigrationConstraintContext Context(MigrationCatalog catalog, HistoryFacts facts)
    {
        var info = new VersionInfo();
        foreach (var version in facts.AppliedVersions)
        {
            info.AddAppliedMigration(version);
        }

        return new MigrationConstraintContext { RunnerOptions = catalog.Context.RunnerOptions, VersionInfo = info };
    }
}
