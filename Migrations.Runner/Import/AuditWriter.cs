using System.Globalization;
using System.Text;

namespace Migrations.Runner.Import;

/// <summary>The audit of an import, as the section of <c>legacy-sql/README.md</c> it writes.</summary>
internal static class AuditWriter
{
    public static string Write(ImportPlan plan, bool wholeFile)
    {
        var b = new StringBuilder();
        var tool = ClassWriter.Tool(plan.Format.Format);
        var first = plan.Migrations[0].Version;
        var last = plan.Migrations[^1].Version;
        if (wholeFile)
        {
            b.Append("# legacy-sql: the migrations imported from ").Append(tool).Append("\n\n");
            b.Append("These files are history, kept byte for byte and never edited: each is embedded in the migrations assembly and run\n")
                .Append("by one class in `Migrations/`. `SHA256SUMS` holds their checksums (`cd legacy-sql && sha256sum -c SHA256SUMS`).\n")
                .Append("To change the schema, add a new migration with the next number.\n\n");
        }

        b.Append("## Imported from ").Append(tool).Append(": migrations ").Append(first).Append(" to ").Append(last).Append("\n\n");
        b.Append("Source folder `").Append(plan.From).Append("`, format ").Append(tool)
            .Append(plan.FormatGiven ? " (given with --format)" : $" (detected: {plan.Format.Evidence})").Append(". ")
            .Append("Ordered as ").Append(tool).Append(" orders them; each up is paired with the down of its version. ")
            .Append("For a one-file format, each direction's file is its sections of the source file, byte for byte, ")
            .Append("without the directive lines. `import-manifest.json` maps the source versions to these numbers ")
            .Append("(read by `baseline --from-history`).\n\n");
        b.Append("| # | File | Origin | Source version | Up | Down | Notes |\n")
            .Append("|---|------|--------|----------------|----|------|-------|\n");
        foreach (var m in plan.Migrations)
        {
            var number = m.FileName[..m.FileName.IndexOf('_', StringComparison.Ordinal)];
            b.Append(CultureInfo.InvariantCulture, $"| {number} | `{m.FileName}` | ")
                .Append(Cell(m.IsPrelude ? $"`{m.Source.Up.Origin}` (--prelude)" : $"`{m.Source.Up.Origin}`"
                    + (m.Source.Down is { } d && d.Origin != m.Source.Up.Origin ? $", `{d.Origin}`" : "")))
                .Append(" | ").Append(Cell(m.Source.Version)).Append(" | ").Append(Mode(m.Up, m, m.Wraps(m.Up)))
                .Append(" | ").Append(DownCell(m)).Append(" | ").Append(Cell(Notes(m))).Append(" |\n");
        }

        Section(b, "Transaction modes", plan.Migrations.SelectMany(m => Directions(m)
            .Where(d => d.Facts.Reasons.Count > 0)
            .Select(d => $"{m.Version} {d.Name}: {string.Join("; ", d.Facts.Reasons.Select(ClassWriter.Reason))}"
                + (d.Facts.Mixed ? "; it mixes them with other statements, so it runs statement by statement" : ""))),
            "Every other direction runs in the runner's transaction. A migration without a transaction runs one statement per command; "
            + "its other direction, when it can, in a BEGIN/COMMIT of its own.");
        Section(b, "Rollbacks missing or empty", plan.Migrations.Where(m => m.DownState != DownState.Present)
            .Select(m => m.DownState switch
            {
                DownState.Missing => $"{m.Version} `{m.Source.Up.Origin}`: **missing**; its Down fails, naming the migration",
                DownState.Generated => $"{m.Version} `{m.Source.Up.Origin}`: **generated** from the schema before and after its up",
                _ => $"{m.Version} `{m.Source.Down!.Origin}`: **empty** ({(m.Down!.Bytes == 0 ? "0 bytes" : "comments only")}); "
                    + "its Down undoes nothing",
            }), null);
        Section(b, "Session settings", Each(plan, f => f.SessionSets, s => $"line {s.Line}: `{s.Text}`"),
            "The runner resets the session after each migration, as psql's new session per file would.");
        var created = plan.Migrations.SelectMany(m => m.Up.CreatesExtensions).ToHashSet(StringComparer.Ordinal);
        Section(b, "Extensions", plan.Migrations.SelectMany(m =>
            m.Up.CreatesExtensions.Select(e => $"{m.Version} creates `{e}`")
                .Concat(m.Up.UsesExtensions.Select(e => $"{m.Version} uses `{e}`"
                    + (created.Contains(e) ? "" : ", which no migration here creates: pass it with --prelude")))),
            null);
        Section(b, "Statements that are not idempotent", Each(plan, f => f.NotIdempotent, s => $"line {s.Line}: `{s.Text}`", upOnly: true),
            "Running them again on a database that has their change fails or changes it again: adopt such a database with "
            + "`baseline --from-history`, never by rerunning them.");
        Section(b, "Numbering of the source", plan.Duplicates
            .Select(d => $"version {d.Version} is used by {string.Join(", ", d.Origins.Select(o => $"`{o}`"))}")
            .Concat(plan.Gaps.Select(g => $"no version between {g.After} and {g.Before}")), "The new numbers are sequential.");
        Section(b, "Not imported", plan.Folder.Repeatables.Select(r => $"`{r}`: a Flyway repeatable, rerun by Flyway whenever it changes; "
                + "not a versioned migration, so not imported: make it a migration of its own if it must run")
            .Concat(plan.Folder.Skipped.Select(s => $"`{s.Origin}`: " + (s.Reason == SkipReason.GoMigration
                ? "a goose Go migration (code, not SQL): write it as a C# migration" : $"not a {tool} migration file name")))
            .Concat(plan.Folder.OrphanDowns.Select(o => $"`{o}`: a down with no up of its version")), null);
        return b.ToString();
    }

    private static IEnumerable<(string Name, ScriptFacts Facts)> Directions(PlannedMigration m) =>
        m.Down is null ? [("up", m.Up)] : [("up", m.Up), ("down", m.Down)];

    // Downs are left out of the idempotency list: a rollback that fails when run against the wrong state is what one wants.
    private static IEnumerable<string> Each(
        ImportPlan plan, Func<ScriptFacts, IReadOnlyList<NotedStatement>> pick, Func<NotedStatement, string> line, bool upOnly = false) =>
        plan.Migrations.SelectMany(m => Directions(m).Where(d => !upOnly || d.Name == "up").SelectMany(d => pick(d.Facts).Select(s =>
            $"{m.Version} {d.Name} (`{(d.Name == "up" ? m.Source.Up.Origin : m.Source.Down!.Origin)}`) {line(s)}")));

    private static void Section(StringBuilder b, string title, IEnumerable<string> items, string? note)
    {
        var list = items.ToList();
        b.Append("\n### ").Append(title).Append("\n\n");
        if (list.Count == 0)
        {
            b.Append("None.\n");
        }

        foreach (var item in list)
        {
            b.Append("- ").Append(item.Replace("|", "\\|", StringComparison.Ordinal)).Append('\n');
        }

        if (note is not null && list.Count > 0)
        {
            b.Append('\n').Append(note).Append('\n');
        }
    }

    private static string Mode(ScriptFacts facts, PlannedMigration m, bool wrapped) =>
        !facts.HasCode ? (facts.Bytes == 0 ? "empty (0 bytes)" : "empty (comments only)")
        : facts.Mode switch
        {
            ScriptMode.NoTransaction => facts.Mixed ? "**no transaction**, statement by statement (mixed)" : "**no transaction**",
            ScriptMode.OwnTransactions when wrapped => "**own COMMIT/BEGIN**, inside the tool's transaction, as the tool ran it",
            ScriptMode.OwnTransactions => "**own BEGIN/COMMIT**",
            _ => wrapped || !m.Transactional ? "transaction (its own BEGIN/COMMIT)" : "transaction",
        };

    private static string DownCell(PlannedMigration m) => m.DownState switch
    {
        DownState.Missing => "**missing**",
        DownState.Generated => "**generated**, " + Mode(m.Down!, m, m.Wraps(m.Down)),
        _ => Mode(m.Down!, m, m.Wraps(m.Down)),
    };

    private static string Notes(PlannedMigration m)
    {
        var notes = new List<string>();
        var sets = m.Up.SessionSets.Count + (m.Down?.SessionSets.Count ?? 0);
        if (sets > 0)
        {
            notes.Add($"{sets} session SET{(sets == 1 ? "" : "s")}");
        }

        notes.AddRange(m.Up.CreatesExtensions.Select(e => $"creates extension {e}"));
        notes.AddRange(m.Up.UsesExtensions.Select(e => $"uses {e}"));
        if (m.Up.NotIdempotent.Count > 0)
        {
            notes.Add($"{m.Up.NotIdempotent.Count} not idempotent");
        }

        return string.Join("; ", notes);
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
