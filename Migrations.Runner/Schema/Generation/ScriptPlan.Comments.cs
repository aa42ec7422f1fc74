namespace Migrations.Runner.Schema.Generation;

/// <summary>Comments on every kind of object, set where they change and on what the script creates.</summary>
internal sealed partial class ScriptPlan
{
    // Comment targets ("TABLE public.users") of objects the script creates: they start without a comment.
    private readonly HashSet<string> _fresh = new(StringComparer.Ordinal);

    private void Fresh(string target) => _fresh.Add(target);

    private void Comments()
    {
        var before = CommentTargets(From).GroupBy(c => c.Target).ToDictionary(g => g.Key, g => g.First().Comment, StringComparer.Ordinal);
        foreach (var (target, comment) in CommentTargets(To))
        {
            var old = _fresh.Contains(target) ? null : before.GetValueOrDefault(target);
            if (old != comment)
            {
                Emit(Phase.Comments, $"COMMENT ON {target} IS {Sql.LiteralOrNull(comment)}");
            }
        }
    }

    private static IEnumerable<(string Target, string? Comment)> CommentTargets(SchemaSnapshot s)
    {
        foreach (var e in s.Extensions)
        {
            yield return ($"EXTENSION {Sql.Ident(e.Name)}", e.Comment);
        }

        foreach (var n in s.Schemas)
        {
            yield return ($"SCHEMA {Sql.Ident(n.Name)}", n.Comment);
        }

        foreach (var e in s.Enums)
        {
            yield return ($"TYPE {Sql.Name(e.Schema, e.Name)}", e.Comment);
        }

        foreach (var d in s.Domains)
        {
            yield return ($"DOMAIN {Sql.Name(d.Schema, d.Name)}", d.Comment);
        }

        foreach (var c in s.CompositeTypes)
        {
            yield return ($"TYPE {Sql.Name(c.Schema, c.Name)}", c.Comment);
        }

        foreach (var q in s.Sequences)
        {
            yield return ($"SEQUENCE {Sql.Name(q.Schema, q.Name)}", q.Comment);
        }

        foreach (var t in s.Tables)
        {
            var name = Sql.Name(t.Schema, t.Name);
            yield return ($"TABLE {name}", t.Comment);
            foreach (var c in t.Columns)
            {
                yield return ($"COLUMN {name}.{Sql.Ident(c.Name)}", c.Comment);
            }

            foreach (var c in t.Constraints)
            {
                yield return ($"CONSTRAINT {Sql.Ident(c.Name)} ON {name}", c.Comment);
            }
        }

        foreach (var v in s.Views)
        {
            var name = Sql.Name(v.Schema, v.Name);
            yield return ($"{ViewWord(v)} {name}", v.Comment);
            foreach (var c in v.Columns)
            {
                yield return ($"COLUMN {name}.{Sql.Ident(c.Name)}", c.Comment);
            }
        }

        foreach (var i in s.Indexes)
        {
            yield return ($"INDEX {Sql.Name(i.Schema, i.Name)}", i.Comment);
        }

        foreach (var f in s.Functions)
        {
            yield return ($"{KindWord(f)} {Sql.Name(f.Schema, f.Name)}({f.ArgumentTypes})", f.Comment);
        }

        foreach (var t in s.Triggers)
        {
            yield return ($"TRIGGER {Sql.Ident(t.Name)} ON {Sql.Name(t.Schema, t.Table)}", t.Comment);
        }

        foreach (var p in s.Policies)
        {
            yield return ($"POLICY {Sql.Ident(p.Name)} ON {Sql.Name(p.Schema, p.Table)}", p.Comment);
        }

        foreach (var target in DumpedCommentTargets(s))
        {
            yield return target;
        }
    }
}
