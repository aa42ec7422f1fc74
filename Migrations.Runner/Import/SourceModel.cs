namespace Migrations.Runner.Import;

/// <summary>The migration tools whose folders <c>import</c> reads; <see cref="Plain"/> is a folder of hand-named files.</summary>
public enum SourceFormat
{
    Plain,
    GolangMigrate,
    Flyway,
    Goose,
    SqlMigrate,
    Dbmate,
    Diesel,
}

/// <summary>
/// One direction of a source migration, as the tool would run it: its text (for a one-file format the section of the
/// file that direction owns, a slice of the original, byte for byte), where it came from, and what the tool's own
/// directives say about its transaction.
/// </summary>
/// <param name="Origin">Path relative to the imported folder.</param>
/// <param name="Text">The script: the file itself, or the section a directive opened.</param>
/// <param name="Directive">The directive that takes it out of a transaction (<c>-- +goose NO TRANSACTION</c>), if any.</param>
/// <param name="FirstLine">The line of <paramref name="Origin"/> its text starts on.</param>
/// <param name="Lines">For a script cut from several sections, the source line of each of its lines; null when they follow on.</param>
public sealed record SourceScript(string Origin, string Text, string? Directive = null, int FirstLine = 1, IReadOnlyList<int>? Lines = null)
{
    /// <summary>The line of <see cref="Origin"/> that line <paramref name="line"/> (1-based) of <see cref="Text"/> came from.</summary>
    public int SourceLine(int line) => Lines is { } map && line >= 1 && line <= map.Count ? map[line - 1] : FirstLine + line - 1;
}

/// <summary>A migration as its tool knows it: the version it orders by and records in its history table.</summary>
/// <param name="Version">The version as written in the file name (<c>0001</c>, <c>1.2</c>, <c>2021-03-01-120000</c>).</param>
/// <param name="HistoryId">What the tool's history table holds for it once applied (a version, or sql-migrate's file name).</param>
/// <param name="Name">The title from the file or folder name.</param>
/// <param name="Up">The forward script.</param>
/// <param name="Down">The rollback, null when the folder has none.</param>
public sealed record SourceMigration(string Version, string HistoryId, string Name, SourceScript Up, SourceScript? Down);

/// <summary>What a reader found in a folder, in the order the tool runs it.</summary>
/// <param name="Format">The format read.</param>
/// <param name="Migrations">In the tool's order.</param>
/// <param name="Repeatables">Flyway <c>R__</c> files: no version, rerun by Flyway whenever they change; not imported.</param>
/// <param name="Skipped">Files the tool would not run as SQL (goose's Go migrations, stray files), with why.</param>
/// <param name="OrphanDowns">Downs without an up of their version.</param>
public sealed record SourceFolder(
    SourceFormat Format,
    IReadOnlyList<SourceMigration> Migrations,
    IReadOnlyList<string> Repeatables,
    IReadOnlyList<SkippedFile> Skipped,
    IReadOnlyList<string> OrphanDowns);

public sealed record SkippedFile(string Origin, SkipReason Reason);

public enum SkipReason
{
    /// <summary>goose's Go migrations: code, not SQL.</summary>
    GoMigration,

    /// <summary>A name the tool does not read as a migration.</summary>
    NotAMigrationName,
}
