using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>The wording of import's and history adoption's errors.</summary>
internal static class ImportErrorText
{
    internal static ErrorMessage? TryDescribe(RunnerError error) => error switch
    {
        ImportSourceMissing e => new($"--from {e.Path}: no such folder", "pass the folder that holds the migrations", ExitCodes.Usage),
        ImportNothingFound e => new($"--from {e.Path}: no {ImportCommand.Name(e.Format)} migrations there",
            "check the folder, or name its format with --format", ExitCodes.Usage),
        ImportFileUnreadable e => File(e),
        ImportDuplicateVersion e => new(
            $"refusing to import: {string.Join(" and ", e.Files)} share version {e.Version}, which {ImportCommand.Name(e.Format)} "
            + "refuses too; nothing was written",
            "give each migration its own version in the source folder (as its tool requires), then import again", ExitCodes.Usage),
        ImportOutputNotEmpty e => new($"--output {e.Path}: the folder is not empty and holds no legacy-sql/ and Migrations/ to append to",
            "pass a new or empty folder for a project of its own, or the root of a repository like this one", ExitCodes.Usage),
        ImportWouldOverwrite e => new($"refusing to import: {e.Path} exists already; nothing was written",
            "import into a new folder, or remove the earlier import's files first"),
        ImportReplayFailed e => new(
            $"--generate-missing-downs: {e.Origin}:{e.Line} failed on the scratch database: {e.SqlState} {e.Message}; "
            + "nothing was written", "fix the migration in the source folder (or pass what it assumes with --prelude), then import again"),
        GeneratedDownsUnavailable e => new(
            $"--generate-missing-downs: this build has no schema-to-SQL generator, so the missing rollbacks of "
            + $"{string.Join(", ", e.Missing)} cannot be written; nothing was written",
            "import without --generate-missing-downs (their Down then fails, naming the migration) and write the rollbacks by hand",
            ExitCodes.Usage),
        NoImportManifest e => new($"{e.SetName} holds no import manifest (legacy-sql/{Import.ImportManifest.FileName}), "
            + "so nothing maps another tool's versions to its own",
            "run 'import' first and build the migrations it wrote; pass them with --assembly", ExitCodes.Usage),
        SourceHistoryMissing e => new($"no history table of the imported tool in the database (looked for {string.Join(", ", e.Tables)})",
            "point --connection at the database the old tool migrated; for one built by hand use 'baseline --version V'"),
        SourceHistoryDirty e => new(
            $"refusing to adopt: {e.Table} says version {e.Version} is dirty (a failed golang-migrate run stopped inside it)",
            "finish or undo that migration by hand, clear the flag as golang-migrate's force does, then adopt"),
        SourceHistoryFailed e => new($"refusing to adopt: {e.Table} records failed migrations {string.Join(", ", e.Versions)}",
            "repair the database and its history with Flyway (flyway repair) first, then adopt"),
        SourceVersionsUnknown e => new($"refusing to adopt: {e.Table} records {string.Join(", ", e.Versions)}, not in the imported folder",
            "import the folder that applied them (a newer checkout of it), then adopt"),
        SourceVersionAmbiguous e => new(
            $"refusing to adopt: {e.Table} records {e.Version}, which several imported migrations share "
            + $"({string.Join(", ", e.Candidates)})",
            "record which ran with 'baseline --version V' instead"),
        _ => null,
    };

    private static ErrorMessage File(ImportFileUnreadable e)
    {
        var at = e.Line > 0 ? $"{e.File}:{e.Line}" : e.File;
        return e.Problem switch
        {
            ImportFileProblem.NotUtf8 => new($"{at}: not valid UTF-8 ({e.Detail}), so it cannot be kept byte for byte",
                "convert the file to UTF-8 in the source folder, then import again", ExitCodes.Usage),
            ImportFileProblem.NoUpSection => new($"{at}: no '--{e.Detail} Up' section, which the tool requires",
                "add the directive to the file, or name the folder's format with --format", ExitCodes.Usage),
            ImportFileProblem.UnclosedStatement => new($"{at}: StatementBegin without its StatementEnd",
                "close the block in the source file, as the tool itself requires", ExitCodes.Usage),
            _ => new($"--prelude {e.File}: no such file", "pass the SQL file of prerequisites", ExitCodes.Usage),
        };
    }
}
