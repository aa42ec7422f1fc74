using System.Globalization;

namespace Migrations.Runner.Schema;

/// <summary>
/// The kinds the snapshot reads beyond tables, views, code and types (SchemaReader.Objects.cs): each printed where it is
/// present, so a database without them gets the document it had.
/// </summary>
public static partial class SchemaMarkdown
{
    /// <summary>Replica identity and the column settings no column definition shows (storage, compression, statistics).</summary>
    private static IEnumerable<string> TableSettings(TableInfo table)
    {
        if (table.ReplicaIdentity is { } identity)
        {
            yield return $"Replica identity: {Code(identity)}.";
        }

        foreach (var column in table.Columns)
        {
            var settings = new List<string>();
            if (column.Storage is { } storage)
            {
                settings.Add($"storage {storage}");
            }

            if (column.Compression is { } compression)
            {
                settings.Add($"compression {compression}");
            }

            if (column.StatisticsTarget is { } target)
            {
                settings.Add("statistics target " + target.ToString(CultureInfo.InvariantCulture));
            }

            if (settings.Count > 0)
            {
                yield return $"Column {Code(column.Name)}: {string.Join(", ", settings)}.";
            }
        }
    }

    private static void WriteRules(MarkdownWriter w, SchemaSnapshot s, string schema, string relation)
    {
        var rules = s.Rules.Where(r => r.Schema == schema && r.Table == relation).ToList();
        if (rules.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line("#### Rules");
        w.Line();
        w.Table(["Name", "Definition", "Enabled", "Comment"], rules.Select(r => new[]
        {
            Code(r.Name), Code(r.Definition), RuleState(r.Enabled), Text(r.Comment),
        }));
    }

    private static string RuleState(string enabled) => enabled switch
    {
        "D" => "disabled",
        "R" => "replica",
        "A" => "always",
        _ => "enabled",
    };

    private static void WriteSchemaObjects(MarkdownWriter w, SchemaSnapshot s, string schema)
    {
        var aggregates = s.Aggregates.Where(a => a.Schema == schema).ToList();
        if (aggregates.Count > 0)
        {
            w.Line();
            w.Line("### Aggregates");
            w.Line();
            w.Table(["Signature", "Definition", "Comment"], aggregates.Select(a => new[]
            {
                Code(a.Signature), Code(a.Definition), Text(a.Comment),
            }));
        }

        var collations = s.Collations.Where(c => c.Schema == schema).ToList();
        if (collations.Count > 0)
        {
            w.Line();
            w.Line("### Collations");
            w.Line();
            w.Table(["Collation", "Definition", "Comment"], collations.Select(c => new[]
            {
                Code(c.QualifiedName), Code(c.Definition), Text(c.Comment),
            }));
        }

        var search = s.TextSearch.Where(t => t.Schema == schema).ToList();
        if (search.Count > 0)
        {
            w.Line();
            w.Line("### Text search");
            w.Line();
            w.Table(["Name", "Kind", "Definition", "Mappings", "Comment"], search.Select(t => new[]
            {
                Code(t.QualifiedName), t.Kind.ToString().ToLowerInvariant(), Code(t.Definition),
                string.Join("<br>", t.Mappings.Select(Code)), Text(t.Comment),
            }));
        }

        var statistics = s.Statistics.Where(x => x.Schema == schema).ToList();
        if (statistics.Count > 0)
        {
            w.Line();
            w.Line("### Extended statistics");
            w.Line();
            w.Table(["Name", "Definition", "Target", "Comment"], statistics.Select(x => new[]
            {
                Code(x.QualifiedName), Code(x.Definition), x.Target is { } t ? Number(t) : "", Text(x.Comment),
            }));
        }
    }

    private static void WriteDatabaseWide(MarkdownWriter w, SchemaSnapshot s)
    {
        if (s.Publications.Count > 0)
        {
            w.Line();
            w.Line("## Publications");
            w.Line();
            w.Table(["Publication", "Publishes", "Tables", "Via partition root", "Comment"], s.Publications.Select(p => new[]
            {
                Code(p.Name), p.Actions,
                p.AllTables ? "all tables" : string.Join("<br>", p.Tables.Select(Code).Concat(p.Schemas.Select(n => "schema " + Code(n)))),
                p.ViaRoot ? "yes" : "no", Text(p.Comment),
            }));
        }

        if (s.DefaultPrivileges.Count > 0)
        {
            w.Line();
            w.Line("## Default privileges");
            w.Line();
            w.Table(["Role", "Schema", "Objects", "Grants"], s.DefaultPrivileges.Select(d => new[]
            {
                Code(d.Role), d.Schema is null ? "any" : Code(d.Schema), d.ObjectType.ToLowerInvariant(),
                string.Join("<br>", d.Grants.Select(Code)),
            }));
        }
    }
}
