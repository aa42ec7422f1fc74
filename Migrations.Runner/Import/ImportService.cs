using Migrations.Runner.Errors;

namespace Migrations.Runner.Import;

/// <param name="From">The folder of the other tool's migrations.</param>
/// <param name="Format">The format, or null to detect it.</param>
/// <param name="Output">Where to write: a new project's folder, or a project holding legacy-sql/ and Migrations/ to append to.</param>
/// <param name="Prelude">A file of prerequisites (extensions, roles) to make migration 1 of the set.</param>
/// <param name="GenerateMissingDowns">Write the missing rollbacks from the schema before and after each up.</param>
public sealed record ImportOptions(
    string From, SourceFormat? Format, string Output, string? Prelude = null, bool GenerateMissingDowns = false);

/// <summary>What import wrote.</summary>
/// <param name="Plan">Every migration with its facts, as the audit lists them.</param>
/// <param name="Target">Where it went.</param>
/// <param name="Written">The files written or updated, relative to the target.</param>
public sealed record ImportResult(ImportPlan Plan, ImportTarget Target, IReadOnlyList<string> Written)
{
    public IReadOnlyList<PlannedMigration> MissingDowns => [.. Plan.Migrations.Where(m => m.DownState == DownState.Missing)];
}

/// <summary>
/// Reads another tool's migration folder as that tool would run it and writes it as this repository's idioms: legacy-sql
/// files byte for byte, their rollbacks, SHA256SUMS, the audit, one class per version and the version manifest.
/// </summary>
public static class ImportService
{
    /// <summary>Reads and plans without writing: what <see cref="Import"/> would write.</summary>
    /// <exception cref="RunnerErrorException">
    /// The folder is missing, holds nothing the format reads, or a file cannot be read as it says.
    /// </exception>
    public static ImportPlan Plan(ImportOptions options, ImportTarget target)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        var from = Path.GetFullPath(options.From);
        if (!Directory.Exists(from))
        {
            throw new RunnerErrorException(new ImportSourceMissing(options.From));
        }

        var detected = options.Format is { } given ? new DetectedFormat(given, "") : FormatDetector.Detect(from);
        var folder = Read(from, detected.Format);
        if (folder.Migrations.Count == 0)
        {
            throw new RunnerErrorException(new ImportNothingFound(options.From, detected.Format));
        }

        SourceScript? prelude = null;
        if (options.Prelude is { } path)
        {
            if (!File.Exists(path))
            {
                throw new RunnerErrorException(new ImportFileUnreadable(path, 0, ImportFileProblem.PreludeMissing));
            }

            prelude = new SourceScript(Path.GetFileName(path), SourceFiles.Read(Path.GetDirectoryName(Path.GetFullPath(path))!, path));
        }

        return ImportPlanner.Plan(folder, detected, options.Format is not null, from, target.LastVersion, prelude, target.Width);
    }

    /// <summary>Plans and writes; with --generate-missing-downs, first writes the missing rollbacks on a scratch database.</summary>
    /// <param name="options">What to import, and where.</param>
    /// <param name="serverConnection">
    /// The server the scratch database for generated rollbacks is created on; asked for only when one is needed.
    /// </param>
    /// <param name="cancellationToken">Stops the replay.</param>
    /// <inheritdoc cref="Plan" path="/exception"/>
    public static async Task<ImportResult> ImportAsync(
        ImportOptions options,
        Func<CancellationToken, Task<string>>? serverConnection = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var target = ImportTarget.Resolve(options.Output);
        var plan = Plan(options, target);
        var missing = plan.Migrations.Where(m => m.DownState == DownState.Missing && !m.IsPrelude).ToList();
        if (options.GenerateMissingDowns && missing.Count > 0)
        {
            if (serverConnection is null)
            {
                throw new RunnerErrorException(new GeneratedDownsUnavailable([.. missing.Select(m => m.Source.Up.Origin)]));
            }

            plan = await MissingDownGenerator.GenerateAsync(plan, await serverConnection(cancellationToken), cancellationToken);
        }

        return new ImportResult(plan, target, ImportWriter.Write(plan, target));
    }

    internal static SourceFolder Read(string from, SourceFormat format) => format switch
    {
        SourceFormat.GolangMigrate => PairedReaders.GolangMigrate(from),
        SourceFormat.Flyway => PairedReaders.Flyway(from),
        SourceFormat.Diesel => PairedReaders.Diesel(from),
        SourceFormat.Goose => SectionedReaders.Goose(from),
        SourceFormat.SqlMigrate => SectionedReaders.SqlMigrate(from),
        SourceFormat.Dbmate => SectionedReaders.Dbmate(from),
        _ => PairedReaders.Plain(from),
    };
}
