using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Services;
using Migrations.Runner.Session;

namespace Migrations.Runner.Import;

/// <summary>One version the old tool recorded, and the migration it became.</summary>
public sealed record AdoptedVersion(string HistoryId, long Version);

/// <summary>What adoption found and recorded.</summary>
/// <param name="Format">The tool whose history was read.</param>
/// <param name="Table">Its history table (left in place: the old tool can still read it).</param>
/// <param name="Mapped">Each applied source version and its new version.</param>
/// <param name="Baseline">The proof and the rows recorded; null when the old tool had applied nothing.</param>
public sealed record AdoptionResult(SourceFormat Format, string Table, IReadOnlyList<AdoptedVersion> Mapped, BaselineResult? Baseline);

/// <summary>
/// Adopts a database another tool migrated: reads that tool's history table, maps the versions that ran to the
/// imported ones (the manifest embedded by import), proves the schema as baseline does, and records them in VersionInfo
/// with their checksums. Nothing is run; up then applies only what the old tool had not.
/// </summary>
public sealed class HistoryAdoptionService(MigrationSet migrations, string connectionString, RunOptions? options = null)
{
    /// <exception cref="RunnerErrorException">
    /// No manifest, no history table, a dirty or failed history, applied versions the folder lacks, or the proof failed.
    /// </exception>
    public async Task<AdoptionResult> AdoptAsync(bool force, string? shadowServer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var manifest = ImportManifest.FromAssemblies(migrations.Assemblies)
            ?? throw new RunnerErrorException(new NoImportManifest(migrations.Name));
        ManifestImport? import = null;
        SourceHistory? history = null;
        await using (var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken))
        {
            foreach (var candidate in manifest.Imports)
            {
                history = await SourceHistoryReader.ReadAsync(connection, candidate, cancellationToken);
                if (history is not null)
                {
                    import = candidate;
                    break;
                }
            }
        }

        if (import is null || history is null)
        {
            throw new RunnerErrorException(new SourceHistoryMissing(
                [.. manifest.Imports.Select(i => SourceHistoryReader.Table(i.Format)).Where(t => t.Length > 0).Distinct()]));
        }

        var mapped = Map(import, history);
        if (mapped.Count == 0)
        {
            return new AdoptionResult(import.Format, history.Table, [], null);
        }

        var versions = mapped.Select(m => m.Version)
            .Concat(import.Migrations.Where(m => m.Prelude).Select(m => m.Version))
            .ToHashSet();
        var baseline = await new SchemaTruthService(migrations, connectionString, options)
            .BaselineVersionsAsync(versions, force, shadowServer, [history.Table], cancellationToken);
        return new AdoptionResult(import.Format, history.Table, mapped, baseline);
    }

    private static List<AdoptedVersion> Map(ManifestImport import, SourceHistory history)
    {
        var mapped = new List<AdoptedVersion>();
        var unknown = new List<string>();
        foreach (var id in history.Applied.Distinct())
        {
            var candidates = import.Migrations.Where(m => !m.Prelude && Same(import.Format, m.HistoryId, id)).ToList();
            if (candidates.Count > 1)
            {
                throw new RunnerErrorException(new SourceVersionAmbiguous(history.Table, id, [.. candidates.Select(c => c.Version)]));
            }

            if (candidates.Count == 0)
            {
                unknown.Add(id);
            }
            else
            {
                mapped.Add(new AdoptedVersion(id, candidates[0].Version));
            }
        }

        return unknown.Count > 0
            ? throw new RunnerErrorException(new SourceVersionsUnknown(history.Table, unknown))
            : [.. mapped.OrderBy(m => m.Version)];
    }

    private static bool Same(SourceFormat format, string ours, string theirs) => format switch
    {
        SourceFormat.Flyway => SourceFiles.CompareFlyway(ours, theirs) == 0,
        SourceFormat.GolangMigrate or SourceFormat.Goose => SourceFiles.CompareNumbers(ours, theirs) == 0,
        _ => string.Equals(ours, theirs, StringComparison.Ordinal),
    };
}
