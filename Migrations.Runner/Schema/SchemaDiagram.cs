using System.Text;

namespace Migrations.Runner.Schema;

/// <summary>The entity-relationship diagram of the structure document, in Mermaid.</summary>
internal static class SchemaDiagram
{
    public static void Write(MarkdownWriter w, SchemaSnapshot s)
    {
        // Partitions repeat their parent's columns and foreign keys; the parent stands for all of them.
        var tables = s.Tables.Where(t => t.Kind != TableKind.Partition).ToList();
        if (tables.Count == 0)
        {
            return;
        }

        var entityNames = EntityNames(tables);
        w.Line();
        w.Line("## Entity relationship diagram");
        w.Line();
        w.Line("```mermaid");
        w.Line("erDiagram");
        foreach (var table in tables)
        {
            w.Line($"    {entityNames[table.QualifiedName]} {{");
            foreach (var column in table.Columns)
            {
                var keys = KeyMarkers(table, column.Name);
                w.Line($"        {MermaidWord(column.Type)} {MermaidWord(column.Name)}{(keys.Length == 0 ? "" : " " + keys)}");
            }

            w.Line("    }");
        }

        foreach (var table in tables)
        {
            foreach (var fk in table.Constraints.Where(c => c.Kind == ConstraintKind.ForeignKey))
            {
                if (fk.ReferencedTable is null || !entityNames.TryGetValue(fk.ReferencedTable, out var parent))
                {
                    continue;
                }

                var optional = fk.Columns.Any(name => table.Columns.FirstOrDefault(c => c.Name == name) is { NotNull: false });
                var label = fk.Name.Replace("\"", "'", StringComparison.Ordinal);
                w.Line($"    {parent} {(optional ? "|o" : "||")}--o{{ {entityNames[table.QualifiedName]} : \"{label}\"");
            }
        }

        w.Line("```");
    }

    // Mermaid entity names cannot hold dots; the bare table name reads best and is used unless two schemas share it.
    private static Dictionary<string, string> EntityNames(List<TableInfo> tables)
    {
        var shared = tables.GroupBy(t => t.Name, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        return tables.ToDictionary(
            t => t.QualifiedName, t => MermaidWord(shared.Contains(t.Name) ? $"{t.Schema}_{t.Name}" : t.Name), StringComparer.Ordinal);
    }

    private static string KeyMarkers(TableInfo table, string column)
    {
        var markers = new List<string>();
        var kinds = new[] { (ConstraintKind.PrimaryKey, "PK"), (ConstraintKind.ForeignKey, "FK"), (ConstraintKind.Unique, "UK") };
        foreach (var (kind, marker) in kinds)
        {
            if (table.Constraints.Any(c => c.Kind == kind && c.Columns.Contains(column)))
            {
                markers.Add(marker);
            }
        }

        return string.Join(", ", markers);
    }

    // Mermaid attribute types and names are single words of letters, digits, '_', '-', '(', ')', '[' and ']'.
    private static string MermaidWord(string text)
    {
        var word = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            word.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '(' or ')' or '[' or ']' ? c : '_');
        }

        if (word.Length == 0 || char.IsAsciiDigit(word[0]) || word[0] is '-' or '(' or ')' or '[' or ']')
        {
            word.Insert(0, '_');
        }

        return word.ToString();
    }
}
