using System.Globalization;
using System.Security;
using System.Text;

namespace Migrations.Runner.Import;

/// <summary>
/// One migration class per version, in this repository's idioms: an embedded legacy-sql file per direction, the right
/// TransactionBehavior, and statement by statement where a direction runs without a transaction.
/// </summary>
internal static class ClassWriter
{
    /// <param name="migration">The planned migration.</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="repositoryIdioms">
    /// In this repository, a direction without a transaction goes through StatementByStatementMigration (its lexer split);
    /// in a project of its own, the runner splits it (it sends each statement of a migration without a transaction alone).
    /// </param>
    /// <param name="format">The source format, named in the summary.</param>
    public static string Write(PlannedMigration migration, string ns, bool repositoryIdioms, SourceFormat format)
    {
        var statementByStatement = repositoryIdioms && !migration.Transactional;
        var b = new StringBuilder();
        b.Append("using FluentMigrator;\n\nnamespace ").Append(ns).Append(";\n\n");
        b.Append("/// <summary>\n");
        foreach (var line in Wrap(Xml(Summary(migration, format))))
        {
            b.Append("/// ").Append(line).Append('\n');
        }

        b.Append("/// </summary>\n");
        foreach (var line in WhyComments(migration, format).SelectMany(Wrap))
        {
            b.Append("// ").Append(line).Append('\n');
        }

        var version = migration.Version.ToString(CultureInfo.InvariantCulture);
        b.Append("[Migration(").Append(version).Append(migration.Transactional ? "" : ", TransactionBehavior.None")
            .Append(", ").Append(Literal(migration.Description)).Append(")]\n");
        b.Append("public sealed class ").Append(migration.ClassName).Append(" : ")
            .Append(statementByStatement ? "StatementByStatementMigration" : "Migration").Append("\n{\n");
        Direction(b, "Up", migration.FileName, migration, migration.Up, statementByStatement);
        b.Append('\n');
        if (migration.DownState == DownState.Missing)
        {
            b.Append("    public override void Down() => throw new InvalidOperationException(\n        ")
                .AppendJoin("\n        + ", Pieces(MissingDownMessage(migration)).Select(Literal)).Append(");\n");
        }
        else
        {
            Direction(b, "Down", migration.RollbackName, migration, migration.Down, statementByStatement);
        }

        b.Append("}\n");
        return b.ToString();
    }

    /// <summary>What the Down of a migration without a rollback says when run: which migration, where it came from, what to do.</summary>
    public static string MissingDownMessage(PlannedMigration m) =>
        $"Migration {m.Version} {m.ClassName} has no rollback: "
        + (m.IsPrelude ? "its prerequisites are kept" : $"the imported folder had none for {m.Source.Up.Origin}")
        + $". Write legacy-sql/{m.RollbackName} and run it from Down().";

    private static void Direction(
        StringBuilder b, string name, string file, PlannedMigration m, ScriptFacts? facts, bool statementByStatement)
    {
        var resource = "LegacySql." + file.Replace('/', '.');
        var call = statementByStatement ? $"ExecuteEachStatement({Literal(file)})" : $"Execute.EmbeddedScript({Literal(resource)})";
        if (!m.Wraps(facts))
        {
            b.Append("    public override void ").Append(name).Append("() => ").Append(call).Append(";\n");
            return;
        }

        b.Append("    public override void ").Append(name).Append("()\n    {\n");
        b.Append("        Execute.Sql(\"BEGIN\");\n        ").Append(call).Append(";\n        Execute.Sql(\"COMMIT\");\n    }\n");
    }

    private static string Summary(PlannedMigration m, SourceFormat format) =>
        m.IsPrelude
            ? $"The prerequisites the imported migrations assume ({m.Source.Up.Origin}), as migration {m.Version} "
              + $"(legacy-sql/{m.FileName})."
            : $"{m.Description}: {Tool(format)} {(m.Source.Version.Length == 0 ? "" : m.Source.Version + " ")}"
              + $"from {m.Source.Up.Origin} (legacy-sql/{m.FileName}).";

    private static IEnumerable<string> WhyComments(PlannedMigration m, SourceFormat format)
    {
        if (m.Transactional && !m.Wraps(m.Up) && !m.Wraps(m.Down))
        {
            yield break;
        }

        foreach (var (direction, facts) in new[] { ("Up", m.Up), ("Down", m.Down) })
        {
            if (facts is null || (m.Transactional && !m.Wraps(facts)))
            {
                continue;
            }

            yield return facts.Mode switch
            {
                ScriptMode.NoTransaction => $"{direction} runs without a transaction: {string.Join("; ", facts.Reasons.Select(Reason))}.",
                ScriptMode.OwnTransactions when m.Wraps(facts) =>
                    $"{direction} has its own COMMIT/BEGIN inside the transaction {ClassWriter.Tool(format)} runs it in; so here too.",
                ScriptMode.OwnTransactions => $"{direction} has its own BEGIN/COMMIT and runs as psql runs it.",
                _ when !facts.HasCode => $"{direction} is empty.",
                _ => $"{direction} runs in a BEGIN/COMMIT of its own, since the migration has no runner's transaction.",
            };
        }
    }

    internal static string Reason(ModeReason reason) => reason.Kind switch
    {
        ReasonKind.ToolDirective => $"the directive {reason.What}",
        ReasonKind.OwnTransactionControl => $"its own {reason.What} (line {reason.Line})",
        _ => $"{reason.What} (line {reason.Line}) is refused in a transaction block",
    };

    internal static string Tool(SourceFormat format) => format switch
    {
        SourceFormat.GolangMigrate => "golang-migrate",
        SourceFormat.SqlMigrate => "sql-migrate",
        SourceFormat.Plain => "plain SQL",
        _ => format.ToString().ToLowerInvariant(),
    };

    // Lines of generated code stay within 140 characters, as the repository's own do.
    private static IEnumerable<string> Pieces(string text, int width = 90)
    {
        var start = 0;
        while (text.Length - start > width)
        {
            var cut = text.LastIndexOf(' ', start + width, width);
            cut = cut <= start ? start + width : cut + 1;
            yield return text[start..cut];
            start = cut;
        }

        yield return text[start..];
    }

    private static IEnumerable<string> Wrap(string text) => Pieces(text, 110).Select(p => p.TrimEnd());

    private static string Xml(string text) => SecurityElement.Escape(text);

    internal static string Literal(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
}
