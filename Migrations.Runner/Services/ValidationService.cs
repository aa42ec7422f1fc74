using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FluentMigrator;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>One thing wrong, with a stable code for scripts.</summary>
public sealed record ValidationProblem(string Code, string Message);

public sealed record ValidationReport(int MigrationCount, int AppliedCount, IReadOnlyList<ValidationProblem> Problems);

/// <summary>Collects every problem before reporting (as Evolve does), rather than stopping at the first.</summary>
public static partial class ValidationService
{
    /// <summary>Resource holding <c>sha256sum</c> lines for the embedded legacy files.</summary>
    public const string ChecksumResource = "LegacySql.SHA256SUMS";

    public static async Task<ValidationReport> ValidateAsync(MigrationSet migrationSet, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(migrationSet);
        var problems = new List<ValidationProblem>();
        var migrations = migrationSet.Assemblies.SelectMany(ScanMigrations).OrderBy(m => m.Version).ToList();
        problems.AddRange(CheckCatalog(migrations));
        problems.AddRange(migrationSet.Assemblies.SelectMany(CheckLegacyChecksums));

        await using var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken);
        var applied = await VersionHistory.ReadAsync(connection, cancellationToken);
        problems.AddRange(CheckHistory(migrations.Select(m => m.Version).Distinct().ToList(), applied));
        problems.AddRange(await CheckInvalidIndexesAsync(connection, cancellationToken));
        if (problems.All(p => p.Code != "duplicate-version"))
        {
            foreach (var changed in await MigrationService.ChangedSinceAppliedAsync(connection, migrationSet, applied, cancellationToken))
            {
                problems.Add(new("checksum-changed", $"applied migration {changed.Version} {changed.Name} changed since it ran (SHA-256 {changed.Current[..12]}..., recorded {changed.Recorded[..12]}...)"));
            }
        }
        return new ValidationReport(migrations.Count, applied.Count, problems);
    }

    internal sealed record ScannedMigration(long Version, string TypeName);

    internal static List<ScannedMigration> ScanMigrations(Assembly assembly) =>
        [.. assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMigration).IsAssignableFrom(t))
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<MigrationAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new ScannedMigration(x.Attribute!.Version, x.Type.Name))
            .OrderBy(m => m.Version)];

    internal static IEnumerable<ValidationProblem> CheckCatalog(List<ScannedMigration> migrations)
    {
        foreach (var duplicate in migrations.GroupBy(m => m.Version).Where(g => g.Count() > 1))
        {
            yield return new("duplicate-version", $"version {duplicate.Key} is used by {string.Join(" and ", duplicate.Select(m => m.TypeName))}");
        }

        var versions = migrations.Select(m => m.Version).Distinct().ToList();
        for (var i = 1; i < versions.Count; i++)
        {
            if (versions[i] != versions[i - 1] + 1)
            {
                yield return new("version-gap", $"versions jump from {versions[i - 1]} to {versions[i]}: numbers are sequential with no gaps");
            }
        }

        foreach (var m in migrations)
        {
            var match = ClassNumber().Match(m.TypeName);
            if (match.Success && long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) != m.Version)
            {
                yield return new("name-mismatch", $"class {m.TypeName} carries version {m.Version}: the number in the name and the attribute must agree");
            }
        }
    }

    internal static IEnumerable<ValidationProblem> CheckHistory(IReadOnlyList<long> known, IReadOnlyList<AppliedMigration> applied)
    {
        var knownSet = known.ToHashSet();
        var appliedSet = applied.Select(a => a.Version).ToHashSet();
        foreach (var a in applied.Where(a => !knownSet.Contains(a.Version)))
        {
            yield return new("unknown-applied", $"version {a.Version} ({a.Description}) is applied in the database but not in the migrations assembly");
        }

        var newestApplied = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        foreach (var version in known.Where(v => v < newestApplied && !appliedSet.Contains(v)))
        {
            yield return new("out-of-order", $"version {version} is pending but older than the newest applied version {newestApplied}");
        }
    }

    internal static IEnumerable<ValidationProblem> CheckLegacyChecksums(Assembly assembly)
    {
        using var sums = assembly.GetManifestResourceStream(ChecksumResource);
        if (sums is null)
        {
            yield break;
        }

        var embedded = assembly.GetManifestResourceNames().ToHashSet(StringComparer.Ordinal);
        using var reader = new StreamReader(sums);
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split("  ", 2);
            if (parts.Length != 2)
            {
                continue;
            }

            var resource = "LegacySql." + parts[1].Trim().Replace('/', '.');
            if (!embedded.Contains(resource))
            {
                continue;
            }

            using var file = assembly.GetManifestResourceStream(resource)!;
            var actual = Convert.ToHexStringLower(SHA256.HashData(file));
            if (!string.Equals(actual, parts[0], StringComparison.OrdinalIgnoreCase))
            {
                yield return new("legacy-checksum", $"legacy-sql/{parts[1].Trim()} changed since it was shipped (SHA-256 {actual[..12]}..., SHA256SUMS says {parts[0][..12]}...): legacy files are never edited");
            }
        }
    }

    internal static async Task<IReadOnlyList<ValidationProblem>> CheckInvalidIndexesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        return [.. (await InvalidIndexes.FindAsync(connection, cancellationToken)).Select(name =>
            new ValidationProblem("invalid-index", $"index {name} is INVALID (an interrupted CREATE INDEX CONCURRENTLY): run DROP INDEX CONCURRENTLY {name}; then up again"))];
    }

    [GeneratedRegex(@"^M(\d+)_")]
    private static partial Regex ClassNumber();
}
