using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Migrations.Runner.Catalog;

/// <summary>One thing <c>validate</c> found wrong; <see cref="Code"/> is stable for scripts.</summary>
public abstract record ValidationProblem(string Code);

public sealed record DuplicateVersionProblem(long Version, IReadOnlyList<string> TypeNames) : ValidationProblem("duplicate-version");

public sealed record VersionGap(long From, long To) : ValidationProblem("version-gap");

public sealed record NameMismatch(string TypeName, long Version) : ValidationProblem("name-mismatch");

public sealed record LegacyFileChanged(string File, string Actual, string Expected) : ValidationProblem("legacy-checksum");

/// <summary>
/// The repository's conventions for a set of migrations, checked without a database: unique, gap-free versions, the
/// number in a class name equal to its version, and legacy files unchanged since they were shipped.
/// </summary>
internal static partial class CatalogRules
{
    /// <summary>Resource holding <c>sha256sum</c> lines for the embedded legacy files.</summary>
    public const string ChecksumResource = "LegacySql.SHA256SUMS";

    /// <param name="migrations">Every migration class found, duplicates included, in version order.</param>
    public static IEnumerable<ValidationProblem> Check(IReadOnlyList<MigrationEntry> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        foreach (var duplicate in migrations.GroupBy(m => m.Version).Where(g => g.Count() > 1))
        {
            yield return new DuplicateVersionProblem(duplicate.Key, [.. duplicate.Select(m => m.Name)]);
        }

        var versions = migrations.Select(m => m.Version).Distinct().ToList();
        for (var i = 1; i < versions.Count; i++)
        {
            if (versions[i] != versions[i - 1] + 1)
            {
                yield return new VersionGap(versions[i - 1], versions[i]);
            }
        }

        foreach (var m in migrations)
        {
            var match = ClassNumber().Match(m.Name);
            if (match.Success && long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) != m.Version)
            {
                yield return new NameMismatch(m.Name, m.Version);
            }
        }
    }

    /// <summary>Legacy files embedded in <paramref name="assembly"/> whose SHA-256 no longer matches its SHA256SUMS.</summary>
    public static IEnumerable<ValidationProblem> CheckLegacyChecksums(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
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

            var file = parts[1].Trim();
            var resource = "LegacySql." + file.Replace('/', '.');
            if (!embedded.Contains(resource))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(actual, parts[0], StringComparison.OrdinalIgnoreCase))
            {
                yield return new LegacyFileChanged("legacy-sql/" + file, actual, parts[0].ToLowerInvariant());
            }
        }
    }

    [GeneratedRegex(@"^M(\d+)_")]
    private static partial Regex ClassNumber();
}
