using Migrations.Runner.Catalog;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Planning;
using Migrations.Runner.Session;

namespace Migrations.Runner.Services;

public sealed record UnknownAppliedProblem(long Version, string? Description) : ValidationProblem("unknown-applied");

public sealed record OutOfOrderProblem(long Version, long NewestApplied) : ValidationProblem("out-of-order");

public sealed record ChecksumChangedProblem(long Version, string Name, string Current, string Recorded)
    : ValidationProblem("checksum-changed");

public sealed record InvalidIndexProblem(string Index) : ValidationProblem("invalid-index");

public sealed record ValidationReport(int MigrationCount, int AppliedCount, IReadOnlyList<ValidationProblem> Problems);

/// <summary>
/// Collects every problem before reporting (as Evolve does), rather than stopping at the first: the catalog's rules on
/// the set the one scanner finds, then the database's history against it.
/// </summary>
public static class ValidationService
{
    public static async Task<ValidationReport> ValidateAsync(
        MigrationSet migrationSet, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(migrationSet);
        var scan = migrationSet.Scan();
        var problems = new List<ValidationProblem>();
        problems.AddRange(CatalogRules.Check([.. scan.Migrations.Select(m => m.Entry)]));
        problems.AddRange(migrationSet.Assemblies.SelectMany(CatalogRules.CheckLegacyChecksums));

        await using var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken);
        var facts = await RunState.ReadAsync(connection, migrationSet.VersionTable, withInvalidIndexes: true, cancellationToken);
        // The selection's left-out versions are the assembly's own, and a constraint's held-back ones late by design.
        var applied = facts.Applied.Where(a => !scan.Excluded.Contains(a.Version)).ToList();
        var late = scan.Migrations.Where(m => m.Constraints.Count > 0).Select(m => m.Version).ToHashSet();
        problems.AddRange(CheckHistory([.. scan.Migrations.Select(m => m.Version).Distinct()], applied)
            .Where(p => p is not OutOfOrderProblem o || !late.Contains(o.Version)));
        problems.AddRange(facts.InvalidIndexes.Select(name => new InvalidIndexProblem(name)));
        if (!problems.OfType<DuplicateVersionProblem>().Any() && scan.Migrations.Count > 0)
        {
            var changed = UpPlanner.Changed(migrationSet.Catalog, MigrationChecksums.ComputeAll(migrationSet), facts);
            problems.AddRange(changed.Select(c => new ChecksumChangedProblem(c.Version, c.Name, c.Current, c.Recorded)));
        }

        return new ValidationReport(scan.Migrations.Count, facts.Applied.Count, problems);
    }

    internal static IEnumerable<ValidationProblem> CheckHistory(IReadOnlyList<long> known, IReadOnlyList<AppliedMigration> applied)
    {
        var knownSet = known.ToHashSet();
        var appliedSet = applied.Select(a => a.Version).ToHashSet();
        foreach (var a in applied.Where(a => !knownSet.Contains(a.Version)))
        {
            yield return new UnknownAppliedProblem(a.Version, a.Description);
        }

        var newestApplied = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        foreach (var version in known.Where(v => v < newestApplied && !appliedSet.Contains(v)))
        {
            yield return new OutOfOrderProblem(version, newestApplied);
        }
    }
}
