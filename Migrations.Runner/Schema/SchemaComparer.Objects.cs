namespace Migrations.Runner.Schema;

/// <summary>The objects of the kinds <see cref="SchemaReader"/> reads in SchemaReader.Objects.cs, as compared properties.</summary>
public static partial class SchemaComparer
{
    private static IEnumerable<SchemaObject> DumpedObjects(SchemaSnapshot s, bool withoutMaintain)
    {
        foreach (var c in s.Collations)
        {
            yield return new("collation", c.QualifiedName, [new("definition", c.Definition), CommentOf(c.Comment)]);
        }

        foreach (var a in s.Aggregates)
        {
            yield return new("aggregate", a.Signature, [new("definition", a.Definition), CommentOf(a.Comment)]);
        }

        foreach (var t in s.TextSearch)
        {
            yield return new("text search " + t.Kind.ToString().ToLowerInvariant(), t.QualifiedName,
                [new("definition", t.Definition), new("mappings", ListOrNone(t.Mappings)), CommentOf(t.Comment)]);
        }

        foreach (var r in s.Rules)
        {
            yield return new("rule", r.QualifiedName,
                [new("definition", r.Definition), new("enabled", r.Enabled), CommentOf(r.Comment)]);
        }

        foreach (var x in s.Statistics)
        {
            yield return new("statistics", x.QualifiedName,
                [new("definition", x.Definition), new("target", x.Target is { } t ? Number(t) : null), CommentOf(x.Comment)]);
        }

        foreach (var p in s.Publications)
        {
            yield return new("publication", p.Name,
            [
                new("all tables", YesNo(p.AllTables)), new("publishes", p.Actions), new("via partition root", YesNo(p.ViaRoot)),
                new("tables", ListOrNone(p.Tables)), new("schemas", ListOrNone(p.Schemas)), CommentOf(p.Comment),
            ]);
        }

        foreach (var d in s.DefaultPrivileges)
        {
            yield return new("default privileges", d.Key, [new("grants", ListOrNone(Grants(d.Grants, withoutMaintain)))]);
        }
    }
}
