using Migrations.Runner.Import;

namespace Migrations.Runner.Errors;

/// <summary>The folder given to import does not exist.</summary>
public sealed record ImportSourceMissing(string Path) : RunnerError;

/// <summary>The folder holds nothing the format reads as a migration.</summary>
public sealed record ImportNothingFound(string Path, SourceFormat Format) : RunnerError;

public enum ImportFileProblem
{
    /// <summary>Not valid UTF-8: it could not be kept byte for byte as text.</summary>
    NotUtf8,

    /// <summary>A one-file format's file without the directive that opens its up section.</summary>
    NoUpSection,

    /// <summary>A StatementBegin without its StatementEnd.</summary>
    UnclosedStatement,

    /// <summary>The prelude file does not exist.</summary>
    PreludeMissing,
}

/// <summary>A file the import cannot read as its format says; <c>Line</c> 0 when no line is to blame.</summary>
public sealed record ImportFileUnreadable(string File, int Line, ImportFileProblem Problem, string? Detail = null) : RunnerError;

/// <summary>The output folder is not empty and is not a project to append to (no <c>legacy-sql/</c> and <c>Migrations/</c>).</summary>
/// <summary>Two ups of a golang-migrate or Flyway folder share a version, which that tool refuses too.</summary>
public sealed record ImportDuplicateVersion(SourceFormat Format, string Version, IReadOnlyList<string> Files) : RunnerError;

public sealed record ImportOutputNotEmpty(string Path) : RunnerError;

/// <summary>A file the import would write exists already: nothing was written.</summary>
public sealed record ImportWouldOverwrite(string Path) : RunnerError;

/// <summary>--generate-missing-downs without the schema-to-SQL generator in this build.</summary>
public sealed record GeneratedDownsUnavailable(IReadOnlyList<string> Missing) : RunnerError;

/// <summary>The migration set has no import manifest, so no other tool's history can be mapped.</summary>
public sealed record NoImportManifest(string SetName) : RunnerError;

/// <summary>None of the history tables of the imported formats exists in the database.</summary>
public sealed record SourceHistoryMissing(IReadOnlyList<string> Tables) : RunnerError;

/// <summary>golang-migrate recorded a failed migration: the schema is somewhere inside it.</summary>
public sealed record SourceHistoryDirty(string Table, string Version) : RunnerError;

/// <summary>Flyway recorded failed migrations (success = false).</summary>
public sealed record SourceHistoryFailed(string Table, IReadOnlyList<string> Versions) : RunnerError;

/// <summary>Versions the old tool applied that the imported folder does not have.</summary>
public sealed record SourceVersionsUnknown(string Table, IReadOnlyList<string> Versions) : RunnerError;

/// <summary>The old tool's history names one version for several imported migrations.</summary>
public sealed record SourceVersionAmbiguous(string Table, string Version, IReadOnlyList<long> Candidates) : RunnerError;

/// <summary>An up failed on the scratch database --generate-missing-downs replays the imported migrations on.</summary>
public sealed record ImportReplayFailed(string Origin, int Line, string SqlState, string Message) : RunnerError;
