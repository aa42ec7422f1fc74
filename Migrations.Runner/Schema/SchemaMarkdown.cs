using System.Globalization;

namespace Migrations.Runner.Schema;

/// <summary>Renders a snapshot as the human document of the database (docs/DATABASE_STRUCTURE.md).</summary>
public static partial class SchemaMarkdown
{
    /// <summary>
    /// The whole document: an entity-relationship diagram, then schema by schema every table (columns, keys, foreign keys,
    /// checks, indexes, triggers, rules, policies, replica identity, column settings), view, function, type, aggregate,
    /// collation, text search object, extended statistics object and sequence; then publications and default privileges.
    /// </summary>
    /// <remarks>
    /// Deterministic: the same snapshot gives byte-identical text (no timestamps, "\n" line ends), so the file only
    /// changes when the schema does.
    /// </remarks>
    public static string Render(SchemaSnapshot snapshot, string title)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var w = new MarkdownWriter();
        w.Line($"# {title}");
        w.Line();
        w.Line("Generated from the database catalog by the migration runner; regenerate it instead of editing it.");
        SchemaDiagram.Write(w, snapshot);
        WriteExtensions(w, snapshot);
        foreach (var schema in snapshot.Schemas)
        {
            WriteSchema(w, snapshot, schema);
        }

        WriteDatabaseWide(w, snapshot);

        return w.ToString();
    }

    private static void WriteExtensions(MarkdownWriter w, SchemaSnapshot s)
    {
        if (s.Extensions.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line("## Extensions");
        w.Line();
        w.Table(["Extension", "Schema", "Version", "Comment"],
            s.Extensions.Select(e => new[] { Code(e.Name), Code(e.Schema), e.Version, Text(e.Comment) }));
    }

    private static void WriteSchema(MarkdownWriter w, SchemaSnapshot s, SchemaInfo schema)
    {
        bool InSchema(string name) => name == schema.Name;
        w.Line();
        w.Line($"## Schema {Code(schema.Name)}");
        w.Paragraph(schema.Comment);

        foreach (var table in s.Tables.Where(t => InSchema(t.Schema)))
        {
            WriteTable(w, s, table);
        }

        foreach (var view in s.Views.Where(v => InSchema(v.Schema)))
        {
            WriteView(w, s, view);
        }

        var functions = s.Functions.Where(f => InSchema(f.Schema)).ToList();
        if (functions.Count > 0)
        {
            w.Line();
            w.Line("### Functions and procedures");
            w.Line();
            w.Table(["Signature", "Kind", "Returns", "Language", "Comment"], functions.Select(f => new[]
            {
                Code($"{f.Schema}.{f.Name}({f.Arguments})"), f.Kind == FunctionKind.Procedure ? "procedure" : "function",
                Code(f.Result), f.Language, Text(f.Comment),
            }));
        }

        var enums = s.Enums.Where(e => InSchema(e.Schema)).ToList();
        if (enums.Count > 0)
        {
            w.Line();
            w.Line("### Enums");
            w.Line();
            w.Table(["Enum", "Values (in order)", "Comment"],
                enums.Select(e => new[] { Code(e.QualifiedName), string.Join(", ", e.Labels.Select(Code)), Text(e.Comment) }));
        }

        var domains = s.Domains.Where(d => InSchema(d.Schema)).ToList();
        if (domains.Count > 0)
        {
            w.Line();
            w.Line("### Domains");
            w.Line();
            w.Table(["Domain", "Type", "Nullable", "Default", "Checks", "Comment"], domains.Select(d => new[]
            {
                Code(d.QualifiedName), Code(WithCollation(d.BaseType, d.Collation)), d.NotNull ? "no" : "yes", Code(d.Default),
                string.Join("<br>", d.Checks.Select(c => $"{Code(c.Name)}: {Code(c.Definition)}")), Text(d.Comment),
            }));
        }

        var composites = s.CompositeTypes.Where(c => InSchema(c.Schema)).ToList();
        if (composites.Count > 0)
        {
            w.Line();
            w.Line("### Composite types");
            w.Line();
            w.Table(["Type", "Attributes", "Comment"], composites.Select(c => new[]
            {
                Code(c.QualifiedName),
                string.Join("<br>", c.Attributes.Select(a => Code($"{a.Name} {WithCollation(a.Type, a.Collation)}"))),
                Text(c.Comment),
            }));
        }

        WriteSchemaObjects(w, s, schema.Name);
        var sequences = s.Sequences.Where(q => InSchema(q.Schema)).ToList();
        if (sequences.Count > 0)
        {
            w.Line();
            w.Line("### Sequences");
            w.Line();
            string[] headers = ["Sequence", "Type", "Start", "Increment", "Minimum", "Maximum", "Cycle", "Owned by", "Comment"];
            w.Table(headers, sequences.Select(q => new[]
            {
                Code(q.QualifiedName), q.Type, Number(q.Start), Number(q.Increment), Number(q.Minimum), Number(q.Maximum),
                q.Cycle ? "yes" : "no", Code(q.OwnedBy), Text(q.Comment),
            }));
        }
    }

    private static void WriteTable(MarkdownWriter w, SchemaSnapshot s, TableInfo table)
    {
        w.Line();
        w.Line($"### Table {Code(table.QualifiedName)}");
        w.Paragraph(table.Comment);
        var facts = new List<string>();
        if (table.Kind == TableKind.Partition)
        {
            facts.Add($"Partition of {Code(table.Inherits.Count > 0 ? table.Inherits[0] : null)} {Code(table.PartitionBound)}.");
        }
        else if (table.Inherits.Count > 0)
        {
            facts.Add($"Inherits from {string.Join(", ", table.Inherits.Select(Code))}.");
        }

        if (table.PartitionKey is not null)
        {
            facts.Add($"Partitioned by {Code(table.PartitionKey)}.");
        }

        if (table.Unlogged)
        {
            facts.Add("Unlogged.");
        }

        if (table.Options.Count > 0)
        {
            facts.Add($"Storage options: {string.Join(", ", table.Options.Select(Code))}.");
        }

        if (table.RowSecurity)
        {
            facts.Add(table.ForceRowSecurity ? "Row-level security enabled and forced for the owner." : "Row-level security enabled.");
        }

        facts.AddRange(TableSettings(table));

        w.Paragraph(facts.Count == 0 ? null : string.Join(" ", facts));

        WriteColumns(w, table.Columns);

        var primaryKey = table.Constraints.FirstOrDefault(c => c.Kind == ConstraintKind.PrimaryKey);
        if (primaryKey is not null)
        {
            w.Line();
            w.Line($"Primary key {Code(primaryKey.Name)}: {string.Join(", ", primaryKey.Columns.Select(Code))}");
        }

        WriteConstraints(w, "Unique keys", table.Constraints.Where(c => c.Kind == ConstraintKind.Unique));

        var foreignKeys = table.Constraints.Where(c => c.Kind == ConstraintKind.ForeignKey).ToList();
        if (foreignKeys.Count > 0)
        {
            w.Line();
            w.Line("#### Foreign keys");
            w.Line();
            w.Table(["Name", "Columns", "References", "On delete", "On update", "Definition"], foreignKeys.Select(fk => new[]
            {
                Code(fk.Name), string.Join(", ", fk.Columns.Select(Code)),
                $"{Code(fk.ReferencedTable)} ({string.Join(", ", fk.ReferencedColumns.Select(Code))})",
                fk.OnDelete ?? "", fk.OnUpdate ?? "", Code(fk.Definition),
            }));
        }

        WriteConstraints(w, "Check constraints", table.Constraints.Where(c => c.Kind == ConstraintKind.Check));
        WriteConstraints(w, "Exclusion constraints", table.Constraints.Where(c => c.Kind == ConstraintKind.Exclusion));
        WriteIndexesAndTriggers(w, s, table.Schema, table.Name);
        WriteRules(w, s, table.Schema, table.Name);

        var policies = s.Policies.Where(p => p.Schema == table.Schema && p.Table == table.Name).ToList();
        if (policies.Count > 0)
        {
            w.Line();
            w.Line("#### Policies");
            w.Line();
            w.Table(["Name", "Command", "Type", "Roles", "Using", "With check", "Comment"], policies.Select(p => new[]
            {
                Code(p.Name), p.Command, p.Permissive ? "permissive" : "restrictive", string.Join(", ", p.Roles),
                Code(p.Using), Code(p.WithCheck), Text(p.Comment),
            }));
        }
    }

    private static void WriteView(MarkdownWriter w, SchemaSnapshot s, ViewInfo view)
    {
        w.Line();
        w.Line($"### {(view.Materialized ? "Materialized view" : "View")} {Code(view.QualifiedName)}");
        w.Paragraph(view.Comment);
        w.Paragraph(view.Options.Count == 0 ? null : $"Options: {string.Join(", ", view.Options.Select(Code))}.");
        WriteColumns(w, view.Columns);
        w.Line();
        w.Line("```sql");
        w.Line(view.Definition.Trim());
        w.Line("```");
        WriteIndexesAndTriggers(w, s, view.Schema, view.Name);
        WriteRules(w, s, view.Schema, view.Name);
    }

    private static void WriteColumns(MarkdownWriter w, IEnumerable<ColumnInfo> columns)
    {
        w.Line();
        w.Table(["Column", "Type", "Default", "Nullable", "Comment"], columns.Select(c => new[]
        {
            Code(c.Name), Code(WithCollation(c.Type, c.Collation)), DefaultOf(c), c.NotNull ? "no" : "yes", Text(c.Comment),
        }));
    }

    private static string DefaultOf(ColumnInfo column) =>
        column.Identity is not null ? $"identity ({column.Identity})"
        : column.Generated is not null ? $"generated{(column.Virtual ? " (virtual)" : "")}: {Code(column.Generated)}"
        : Code(column.Default);

    private static void WriteConstraints(MarkdownWriter w, string heading, IEnumerable<ConstraintInfo> constraints)
    {
        var list = constraints.ToList();
        if (list.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line($"#### {heading}");
        w.Line();
        w.Table(["Name", "Definition", "Comment"], list.Select(c => new[] { Code(c.Name), Code(c.Definition), Text(c.Comment) }));
    }

    private static void WriteIndexesAndTriggers(MarkdownWriter w, SchemaSnapshot s, string schema, string relation)
    {
        var indexes = s.Indexes.Where(i => i.Schema == schema && i.Table == relation).ToList();
        if (indexes.Count > 0)
        {
            w.Line();
            w.Line("#### Indexes");
            w.Line();
            w.Table(["Name", "Definition", "Comment"], indexes.Select(i => new[]
            {
                Code(i.Name), Code(i.Definition) + (i.Valid ? "" : " **(invalid)**"), Text(i.Comment),
            }));
        }

        var triggers = s.Triggers.Where(t => t.Schema == schema && t.Table == relation).ToList();
        if (triggers.Count > 0)
        {
            w.Line();
            w.Line("#### Triggers");
            w.Line();
            w.Table(["Name", "Definition", "Enabled", "Comment"], triggers.Select(t => new[]
            {
                Code(t.Name), Code(t.Definition), t.State.ToString().ToLowerInvariant(), Text(t.Comment),
            }));
        }
    }

    private static string WithCollation(string type, string? collation) => collation is null ? type : $"{type} COLLATE {collation}";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    // A line break inside a table cell would end the row.
    private static string Text(string? text) => text is null ? "" : text.ReplaceLineEndings("<br>");

    private static string Code(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var fence = text.Contains('`', StringComparison.Ordinal) ? "``" : "`";
        var padding = text.StartsWith('`') || text.EndsWith('`') ? " " : "";
        return fence + padding + text.ReplaceLineEndings(" ") + padding + fence;
    }
}
