using System.Text;
using System.Text.RegularExpressions;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Import;

/// <summary>
/// Formats with both directions in one file, cut into sections by directives in comments: goose, sql-migrate and
/// dbmate. Each direction's script is its sections' text, byte for byte (directive lines are left out, as the tools
/// leave them out); text before the first directive is ignored, as the tools ignore it.
/// </summary>
internal static partial class SectionedReaders
{
    private enum Section
    {
        None,
        Up,
        Down,
    }

    public static SourceFolder Goose(string root)
    {
        var migrations = new List<SourceMigration>();
        var skipped = new List<SkippedFile>();
        foreach (var path in SourceFiles.List(root, recursive: false))
        {
            var file = Path.GetFileName(path);
            var match = GooseName().Match(file);
            if (!match.Success)
            {
                skipped.Add(new SkippedFile(SourceFiles.Relative(root, path), SkipReason.NotAMigrationName));
                continue;
            }

            if (match.Groups[3].Value == "go")
            {
                skipped.Add(new SkippedFile(SourceFiles.Relative(root, path), SkipReason.GoMigration));
                continue;
            }

            var noTransaction = false;
            var cut = Cut(root, path, "+goose", word => word.Trim().ToUpperInvariant() switch
            {
                "UP" => (Section.Up, null),
                "DOWN" => (Section.Down, null),
                "NO TRANSACTION" => (Keep(ref noTransaction), null),
                "STATEMENTBEGIN" => (Section.None, true),
                "STATEMENTEND" => (Section.None, false),
                _ => (Section.None, null),
            });
            var directive = noTransaction ? "-- +goose NO TRANSACTION" : null;
            var version = match.Groups[1].Value;
            migrations.Add(Migration(version, SourceFiles.Unpadded(version), match.Groups[2].Value, cut, directive, directive));
        }

        migrations.Sort((a, b) => SourceFiles.CompareNumbers(a.Version, b.Version));
        return new SourceFolder(SourceFormat.Goose, migrations, [], skipped, []);

        static Section Keep(ref bool flag)
        {
            flag = true;
            return Section.None;
        }
    }

    public static SourceFolder SqlMigrate(string root)
    {
        var migrations = new List<SourceMigration>();
        var skipped = new List<SkippedFile>();
        foreach (var path in SourceFiles.List(root, recursive: false))
        {
            var file = Path.GetFileName(path);
            if (!file.EndsWith(".sql", StringComparison.Ordinal))
            {
                skipped.Add(new SkippedFile(SourceFiles.Relative(root, path), SkipReason.NotAMigrationName));
                continue;
            }

            string? upDirective = null, downDirective = null;
            var cut = Cut(root, path, "+migrate", words =>
            {
                var parts = words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var noTransaction = parts.Skip(1).Contains("notransaction", StringComparer.Ordinal);
                switch (parts.FirstOrDefault())
                {
                    case "Up":
                        upDirective ??= noTransaction ? "-- +migrate Up notransaction" : null;
                        return (Section.Up, null);
                    case "Down":
                        downDirective ??= noTransaction ? "-- +migrate Down notransaction" : null;
                        return (Section.Down, null);
                    case "StatementBegin":
                        return (Section.None, true);
                    case "StatementEnd":
                        return (Section.None, false);
                    default:
                        return (Section.None, null);
                }
            });
            var stem = file[..^4];
            var digits = SourceFiles.LeadingDigits(stem);
            migrations.Add(Migration(digits, file, stem[digits.Length..].Trim('_', '-', ' '), cut, upDirective, downDirective));
        }

        migrations.Sort((a, b) => SourceFiles.CompareNatural(a.HistoryId, b.HistoryId));
        return new SourceFolder(SourceFormat.SqlMigrate, migrations, [], skipped, []);
    }

    public static SourceFolder Dbmate(string root)
    {
        var migrations = new List<SourceMigration>();
        var skipped = new List<SkippedFile>();
        foreach (var path in SourceFiles.List(root, recursive: false))
        {
            var match = DbmateName().Match(Path.GetFileName(path));
            if (!match.Success)
            {
                skipped.Add(new SkippedFile(SourceFiles.Relative(root, path), SkipReason.NotAMigrationName));
                continue;
            }

            string? upDirective = null, downDirective = null;
            var cut = Cut(root, path, "migrate:", words =>
            {
                var noTransaction = DbmateNoTransaction().IsMatch(words);
                if (words.StartsWith("up", StringComparison.Ordinal))
                {
                    upDirective ??= noTransaction ? "-- migrate:up transaction:false" : null;
                    return (Section.Up, null);
                }

                if (words.StartsWith("down", StringComparison.Ordinal))
                {
                    downDirective ??= noTransaction ? "-- migrate:down transaction:false" : null;
                    return (Section.Down, null);
                }

                return (Section.None, null);
            });
            var version = match.Groups[1].Value;
            migrations.Add(Migration(version, version, match.Groups[2].Value.Trim('_', '-', ' '), cut, upDirective, downDirective));
        }

        // dbmate sorts by file name; its versions are timestamps of one width.
        migrations.Sort((a, b) => string.CompareOrdinal(a.Up.Origin, b.Up.Origin));
        return new SourceFolder(SourceFormat.Dbmate, migrations, [], skipped, []);
    }

    private sealed record Cuts(string Origin, string Up, int UpLine, List<int> UpLines, string? Down, int DownLine, List<int> DownLines);

    private static SourceMigration Migration(
        string version, string historyId, string name, Cuts cut, string? upDirective, string? downDirective) =>
        new(
            version,
            historyId,
            name,
            new SourceScript(cut.Origin, cut.Up, upDirective, cut.UpLine, cut.UpLines),
            cut.Down is null ? null : new SourceScript(cut.Origin, cut.Down, downDirective, cut.DownLine, cut.DownLines));

    /// <summary>
    /// Cuts the file at its directive lines (<c>--</c> then <paramref name="prefix"/>). <paramref name="read"/> says which
    /// section a directive opens, and whether it begins (true) or ends (false) a statement block.
    /// </summary>
    private static Cuts Cut(string root, string path, string prefix, Func<string, (Section Opens, bool? Block)> read)
    {
        var origin = SourceFiles.Relative(root, path);
        var text = SourceFiles.Read(root, path);
        var up = new StringBuilder();
        var down = new StringBuilder();
        List<int> upLines = [], downLines = [];
        var section = Section.None;
        bool sawUp = false, sawDown = false;
        int upLine = 0, downLine = 0, blockLine = 0;
        var line = 0;
        for (var start = 0; start < text.Length;)
        {
            line++;
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline + 1;
            var content = text[start..end].Trim('\uFEFF', ' ', '\t', '\r', '\n');
            var body = content.StartsWith("--", StringComparison.Ordinal) ? content[2..].TrimStart() : null;
            if (body is not null && body.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var (opens, block) = read(body[prefix.Length..].Trim());
                blockLine = block switch { true => line, false => 0, null => blockLine };
                if (opens != Section.None)
                {
                    section = opens;
                    sawUp |= opens == Section.Up;
                    sawDown |= opens == Section.Down;
                    upLine = opens == Section.Up && upLine == 0 ? line + 1 : upLine;
                    downLine = opens == Section.Down && downLine == 0 ? line + 1 : downLine;
                    start = end;
                    continue;
                }
            }

            (section == Section.Up ? up : section == Section.Down ? down : null)?.Append(text, start, end - start);
            (section == Section.Up ? upLines : section == Section.Down ? downLines : null)?.Add(line);
            start = end;
        }

        if (!sawUp)
        {
            throw new RunnerErrorException(new ImportFileUnreadable(origin, 0, ImportFileProblem.NoUpSection, prefix));
        }

        if (blockLine > 0)
        {
            throw new RunnerErrorException(new ImportFileUnreadable(origin, blockLine, ImportFileProblem.UnclosedStatement, prefix));
        }

        return new Cuts(origin, up.ToString(), upLine, upLines, sawDown ? down.ToString() : null, downLine, downLines);
    }

    [GeneratedRegex(@"^([0-9]+)_(.+)\.(sql|go)$")]
    private static partial Regex GooseName();

    // As dbmate's: the version is the leading digits.
    [GeneratedRegex(@"^([0-9]+)(.*)\.sql$")]
    private static partial Regex DbmateName();

    [GeneratedRegex(@"\btransaction\s*:\s*false\b")]
    private static partial Regex DbmateNoTransaction();
}
