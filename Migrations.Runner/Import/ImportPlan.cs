using System.Globalization;
using System.Text;

namespace Migrations.Runner.Import;

/// <summary>What became of a source migration's rollback.</summary>
public enum DownState
{
    /// <summary>The folder has one with statements.</summary>
    Present,

    /// <summary>The folder has one, 0-byte or comment-only: it undoes nothing.</summary>
    Empty,

    /// <summary>The folder has none: Down fails, naming the migration.</summary>
    Missing,

    /// <summary>Written by --generate-missing-downs from the schema before and after the up.</summary>
    Generated,
}

/// <summary>One migration as the import writes it.</summary>
/// <param name="Version">The new version number.</param>
/// <param name="FileName">Its legacy-sql file, <c>NNN_title.sql</c>.</param>
/// <param name="ClassName">Its class, <c>M{NNNN}_{Title}</c>.</param>
/// <param name="Description">The [Migration] description.</param>
/// <param name="Source">The source migration; for the prelude, a script from --prelude with no history.</param>
/// <param name="IsPrelude">The prerequisites given with --prelude.</param>
/// <param name="Up">Facts of the up script.</param>
/// <param name="Down">Facts of the rollback; null when missing.</param>
/// <param name="DownState">What became of the rollback.</param>
public sealed record PlannedMigration(
    long Version,
    string FileName,
    string ClassName,
    string Description,
    SourceMigration Source,
    bool IsPrelude,
    ScriptFacts Up,
    ScriptFacts? Down,
    DownState DownState)
{
    public string RollbackName => $"rollback/{FileName[..FileName.IndexOf('_', StringComparison.Ordinal)]}_rollback.sql";

    /// <summary>FluentMigrator's TransactionBehavior is per migration: None when either direction cannot run in one.</summary>
    public bool Transactional => Up.Mode != ScriptMode.NoTransaction && Down?.Mode != ScriptMode.NoTransaction;

    /// <summary>
    /// In a migration without a transaction, a direction that can run in one gets its own BEGIN/COMMIT: the up that
    /// cannot run in a transaction does not force its down out of one.
    /// </summary>
    public bool Wraps(ScriptFacts? facts) =>
        (!Transactional && facts is { Mode: ScriptMode.Transaction, HasCode: true })
        || (ToolTransaction && facts is { Mode: ScriptMode.OwnTransactions });

    /// <summary>
    /// The source tool runs each migration inside a transaction of its own (goose, sql-migrate, dbmate, Flyway, diesel), so a
    /// script with its own COMMIT/BEGIN was written to run inside one: it gets that transaction around it, as the tool ran it.
    /// </summary>
    public bool ToolTransaction { get; init; }
}

/// <summary>Versions the source numbering repeats, or skips.</summary>
public sealed record NumberingIssue(string Version, IReadOnlyList<string> Origins);

/// <summary>Everything the import will write, decided before anything is written.</summary>
public sealed record ImportPlan(
    DetectedFormat Format,
    bool FormatGiven,
    string From,
    IReadOnlyList<PlannedMigration> Migrations,
    SourceFolder Folder,
    IReadOnlyList<NumberingIssue> Duplicates,
    IReadOnlyList<(string After, string Before)> Gaps,
    int Width);

internal static class ImportPlanner
{
    public static ImportPlan Plan(
        SourceFolder folder, DetectedFormat format, bool given, string from, long after, SourceScript? prelude, int minimumWidth)
    {
        var last = after + folder.Migrations.Count + (prelude is null ? 0 : 1);
        var width = Math.Max(minimumWidth, last.ToString(CultureInfo.InvariantCulture).Length);
        var planned = new List<PlannedMigration>();
        var next = after + 1;
        if (prelude is not null)
        {
            var source = new SourceMigration("", "", "prelude", prelude, null);
            planned.Add(Planned(next++, source, "Prerequisites the migrations assume", isPrelude: true, width));
        }

        foreach (var migration in folder.Migrations)
        {
            var title = SourceFiles.Title(migration.Name);
            var description = title.Length == 0 ? "Migration " + migration.Version : Sentence(title);
            planned.Add(Planned(next++, migration, description, false, width) with
            {
                ToolTransaction = folder.Format is not (SourceFormat.Plain or SourceFormat.GolangMigrate),
            });
        }

        var duplicates = folder.Migrations.Where(m => m.Version.Length > 0)
            .GroupBy(m => m.Format(folder.Format))
            .Where(g => g.Count() > 1)
            .Select(g => new NumberingIssue(g.First().Version, [.. g.Select(m => m.Up.Origin)]))
            .ToList();
        return new ImportPlan(format, given, from, planned, folder, duplicates, Gaps(folder), width);
    }

    private static PlannedMigration Planned(long version, SourceMigration source, string description, bool isPrelude, int width)
    {
        var number = version.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        var snake = Snake(source.Name);
        var up = ScriptAnalysis.Analyse(source.Up);
        var down = source.Down is null ? null : ScriptAnalysis.Analyse(source.Down);
        var state = down is null ? DownState.Missing : down.HasCode || !up.HasCode ? DownState.Present : DownState.Empty;
        return new PlannedMigration(
            version,
            $"{number}_{snake}.sql",
            $"M{version.ToString(CultureInfo.InvariantCulture).PadLeft(4, '0')}_{Pascal(snake)}",
            description,
            source,
            isPrelude,
            up,
            down,
            state);
    }

    // Only where the numbers count one by one: between timestamps every step is a gap.
    private static List<(string After, string Before)> Gaps(SourceFolder folder)
    {
        var numbers = folder.Migrations.Select(m => m.Version).Where(v => v.Length > 0 && v.All(char.IsAsciiDigit)).ToList();
        if (numbers.Count < 2 || numbers.Any(n => n.TrimStart('0').Length > 6))
        {
            return [];
        }

        var values = numbers.Select(n => long.Parse(n, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        return [.. values.Zip(values.Skip(1)).Where(p => p.Second - p.First > 1)
            .Select(p => (p.First.ToString(CultureInfo.InvariantCulture), p.Second.ToString(CultureInfo.InvariantCulture)))];
    }

    private static string Format(this SourceMigration migration, SourceFormat format) =>
        format == SourceFormat.Flyway ? string.Join('.', migration.Version.Split('.', '_').Select(p => p.TrimStart('0')))
        : migration.Version.All(char.IsAsciiDigit) ? migration.Version.TrimStart('0')
        : migration.Version;

    private static string Sentence(string title) => char.ToUpperInvariant(title[0]) + title[1..];

    /// <summary>Lower-case ASCII words joined by <c>_</c>: file and resource names stay portable.</summary>
    internal static string Snake(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != '_')
            {
                builder.Append('_');
            }
        }

        var snake = builder.ToString().Trim('_');
        return snake.Length == 0 ? "migration" : snake;
    }

    internal static string Pascal(string snake) =>
        string.Concat(snake.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
