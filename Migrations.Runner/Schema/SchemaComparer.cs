using System.Globalization;

namespace Migrations.Runner.Schema;

/// <summary>Compares two snapshots object by object.</summary>
public static partial class SchemaComparer
{
    /// <summary>
    /// The differences between what the migrations say (<paramref name="expected"/>) and the live database
    /// (<paramref name="actual"/>).
    /// </summary>
    /// <returns>
    /// Empty when the schemas are the same; otherwise ordered by name, then object type, so a table's columns follow the table.
    /// </returns>
    public static IReadOnlyList<SchemaDifference> Compare(SchemaSnapshot expected, SchemaSnapshot actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var withoutMaintain = AcrossMaintain(expected, actual);
        var before = Objects(expected, withoutMaintain).ToDictionary(o => (o.Type, o.Name));
        var after = Objects(actual, withoutMaintain).ToDictionary(o => (o.Type, o.Name));
        var differences = new List<SchemaDifference>();
        foreach (var (key, old) in before)
        {
            if (!after.TryGetValue(key, out var current))
            {
                differences.Add(new SchemaDifference(ChangeKind.Removed, old.Type, old.Name, old.Render(), null));
                continue;
            }

            var changes = PropertyChanges(old, current);
            if (changes.Count > 0)
            {
                differences.Add(new SchemaDifference(ChangeKind.Changed, old.Type, old.Name, old.Render(), current.Render())
                {
                    Changes = changes,
                });
            }
        }

        differences.AddRange(after.Values
            .Where(o => !before.ContainsKey((o.Type, o.Name)))
            .Select(o => new SchemaDifference(ChangeKind.Added, o.Type, o.Name, null, o.Render())));
        return [.. differences
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ThenBy(d => d.ObjectType, StringComparer.Ordinal)];
    }

    /// <summary>
    /// What a comparison of snapshots from different major versions of PostgreSQL compares differently or cannot tell, one
    /// sentence each; empty when both come from the same major version.
    /// </summary>
    public static IReadOnlyList<string> VersionNotes(SchemaSnapshot expected, SchemaSnapshot actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.ServerVersion is not { } e || actual.ServerVersion is not { } a)
        {
            return expected.ServerVersion is null && actual.ServerVersion is null ? []
                : ["one snapshot records no server version (saved by an earlier runner): if it was read from PostgreSQL 14 or 15, "
                    + "its view definitions keep the qualifiers those versions print and show as changed; save it again"];
        }

        if (e / 10000 == a / 10000)
        {
            return [];
        }

        var notes = new List<string>
        {
            $"compared across major versions: expected read from PostgreSQL {VersionText(e)}, actual from {VersionText(a)}; "
                + "view definitions are compared in the form PostgreSQL 16 and later print",
        };
        var privileges = HasPrivileges(expected) || HasPrivileges(actual);
        if (privileges && AcrossMaintain(expected, actual))
        {
            notes.Add("the MAINTAIN privilege (m, PostgreSQL 17 and later) is left out of the grants compared");
        }

        if (privileges && Math.Min(e, a) < 150000 && Math.Max(e, a) >= 150000)
        {
            notes.Add("schema public belongs to pg_database_owner and grants no CREATE to PUBLIC from PostgreSQL 15 on: "
                + "its owner and grants differ between the two by design");
        }

        return notes;
    }

    /// <summary>"15.18" for 150018.</summary>
    public static string VersionText(int serverVersion) =>
        string.Create(CultureInfo.InvariantCulture, $"{serverVersion / 10000}.{serverVersion % 10000}");

    // PostgreSQL 17 added MAINTAIN to every table's default privileges, so a table owner's grants read "arwdDxtm" there
    // and "arwdDxt" before: across that line the privilege is left out, or every table would differ.
    private static bool AcrossMaintain(SchemaSnapshot expected, SchemaSnapshot actual) =>
        expected.ServerVersion is { } e && actual.ServerVersion is { } a && Math.Min(e, a) < 170000 && Math.Max(e, a) >= 170000;

    private static bool HasPrivileges(SchemaSnapshot s) => s.Schemas.Any(n => n.Privileges is not null);

    private static string WithoutMaintain(string aclItem)
    {
        var equals = aclItem.IndexOf('=', StringComparison.Ordinal);
        var slash = aclItem.LastIndexOf('/');
        if (equals < 0 || slash < equals)
        {
            return aclItem;
        }

        var privileges = aclItem[(equals + 1)..slash]
            .Replace("m*", "", StringComparison.Ordinal).Replace("m", "", StringComparison.Ordinal);
        return aclItem[..(equals + 1)] + privileges + aclItem[slash..];
    }

    private static ValueList<PropertyChange> PropertyChanges(SchemaObject expected, SchemaObject actual)
    {
        var actualValues = actual.Properties.ToDictionary(p => p.Name, p => p.Value);
        var expectedNames = expected.Properties.Select(p => p.Name).ToHashSet();
        return expected.Properties
            .Select(p => new PropertyChange(p.Name, p.Value, actualValues.GetValueOrDefault(p.Name)))
            .Concat(actual.Properties.Where(p => !expectedNames.Contains(p.Name)).Select(p => new PropertyChange(p.Name, null, p.Value)))
            .Where(c => c.Expected != c.Actual)
            .ToValueList();
    }

    private sealed record Property(string Name, string? Value);

    private sealed record SchemaObject(string Type, string Name, IReadOnlyList<Property> Properties)
    {
        public string Render() => string.Join("\n", Properties.Select(p => $"{p.Name}: {p.Value ?? "none"}"));
    }

    // Every object becomes a flat list of named, printable properties; comparing those is what makes each difference
    // name the object and the property, whatever the kind of object.
    private static IEnumerable<SchemaObject> Objects(SchemaSnapshot s, bool withoutMaintain)
    {
        IEnumerable<Property> PrivilegesOf(PrivilegeInfo? privileges) => SchemaComparer.PrivilegesOf(privileges, withoutMaintain);

        foreach (var e in s.Extensions)
        {
            yield return new("extension", e.Name, [new("schema", e.Schema), new("version", e.Version), CommentOf(e.Comment)]);
        }

        foreach (var n in s.Schemas)
        {
            yield return new("schema", n.Name, [CommentOf(n.Comment), .. PrivilegesOf(n.Privileges)]);
        }

        foreach (var e in s.Enums)
        {
            yield return new("enum", e.QualifiedName,
                [new("labels", string.Join(", ", e.Labels.Select(Literal))), CommentOf(e.Comment), .. PrivilegesOf(e.Privileges)]);
        }

        foreach (var d in s.Domains)
        {
            yield return new("domain", d.QualifiedName,
            [
                new("type", d.BaseType), new("not null", YesNo(d.NotNull)), new("default", d.Default), new("collation", d.Collation),
                .. d.Checks.Select(c => new Property("check " + c.Name, c.Definition)),
                CommentOf(d.Comment), .. PrivilegesOf(d.Privileges),
            ]);
        }

        foreach (var c in s.CompositeTypes)
        {
            var attributes = c.Attributes.Select(a =>
                a.Collation is null ? $"{a.Name} {a.Type}" : $"{a.Name} {a.Type} COLLATE {a.Collation}");
            yield return new("composite type", c.QualifiedName,
                [new("attributes", string.Join(", ", attributes)), CommentOf(c.Comment), .. PrivilegesOf(c.Privileges)]);
        }

        foreach (var q in s.Sequences)
        {
            yield return new("sequence", q.QualifiedName,
            [
                new("type", q.Type), new("start", Number(q.Start)), new("increment", Number(q.Increment)),
                new("minimum", Number(q.Minimum)), new("maximum", Number(q.Maximum)), new("cache", Number(q.Cache)),
                new("cycle", YesNo(q.Cycle)), new("owned by", q.OwnedBy), CommentOf(q.Comment), .. PrivilegesOf(q.Privileges),
            ]);
        }

        foreach (var t in s.Tables)
        {
            yield return new("table", t.QualifiedName,
            [
                new("kind", t.Kind.ToString().ToLowerInvariant()),
                new("partition key", t.PartitionKey), new("partition bound", t.PartitionBound),
                new("inherits", ListOrNone(t.Inherits)), new("unlogged", YesNo(t.Unlogged)), new("options", ListOrNone(t.Options)),
                new("row level security", YesNo(t.RowSecurity)), new("force row level security", YesNo(t.ForceRowSecurity)),
                CommentOf(t.Comment), .. PrivilegesOf(t.Privileges),
                .. t.ReplicaIdentity is { } identity ? new[] { new Property("replica identity", identity) } : [],
            ]);
            foreach (var column in Columns(t.QualifiedName, t.Columns, withoutMaintain))
            {
                yield return column;
            }

            foreach (var c in t.Constraints)
            {
                yield return new("constraint", $"{t.QualifiedName}.{c.Name}", [new("definition", c.Definition), CommentOf(c.Comment)]);
            }
        }

        foreach (var v in s.Views)
        {
            yield return new(v.Materialized ? "materialized view" : "view", v.QualifiedName,
            [
                new("definition", v.Definition), new("options", ListOrNone(v.Options)), CommentOf(v.Comment),
                .. PrivilegesOf(v.Privileges),
            ]);
            foreach (var column in Columns(v.QualifiedName, v.Columns, withoutMaintain))
            {
                yield return column;
            }
        }

        foreach (var i in s.Indexes)
        {
            yield return new("index", i.QualifiedName,
                [new("definition", i.Definition), new("valid", YesNo(i.Valid)), CommentOf(i.Comment)]);
        }

        foreach (var f in s.Functions)
        {
            yield return new(f.Kind == FunctionKind.Procedure ? "procedure" : "function", f.Signature,
                [new("definition", f.Definition), CommentOf(f.Comment), .. PrivilegesOf(f.Privileges)]);
        }

        foreach (var t in s.Triggers)
        {
            yield return new("trigger", t.QualifiedName,
                [new("definition", t.Definition), new("enabled", Enabled(t.State)), CommentOf(t.Comment)]);
        }

        foreach (var p in s.Policies)
        {
            yield return new("policy", p.QualifiedName,
            [
                new("command", p.Command), new("permissive", YesNo(p.Permissive)), new("roles", string.Join(", ", p.Roles)),
                new("using", p.Using), new("with check", p.WithCheck), CommentOf(p.Comment),
            ]);
        }

        foreach (var o in DumpedObjects(s, withoutMaintain))
        {
            yield return o;
        }
    }

    private static IEnumerable<SchemaObject> Columns(string relation, IEnumerable<ColumnInfo> columns, bool withoutMaintain) =>
        columns.Select(c => new SchemaObject("column", $"{relation}.{c.Name}",
        [
            new("type", c.Type), new("not null", YesNo(c.NotNull)), new("default", c.Default),
            new("identity", c.Identity), new("generated", c.Generated), new("collation", c.Collation), CommentOf(c.Comment),
            .. c.Virtual ? new[] { new Property("virtual", "yes") } : [],
            .. c.Storage is { } storage ? new[] { new Property("storage", storage) } : [],
            .. c.Compression is { } compression ? new[] { new Property("compression", compression) } : [],
            .. c.StatisticsTarget is { } target ? new[] { new Property("statistics target", Number(target)) } : [],
            .. c.Grants is null ? [] : new[] { new Property("grants", ListOrNone(Grants(c.Grants, withoutMaintain))) },
        ]));

    private static Property CommentOf(string? comment) => new("comment", comment is null ? null : Literal(comment));

    private static IEnumerable<Property> PrivilegesOf(PrivilegeInfo? privileges, bool withoutMaintain) =>
        privileges is null ? [] : [new("owner", privileges.Owner), new("grants", ListOrNone(Grants(privileges.Grants, withoutMaintain)))];

    // A grant of MAINTAIN alone has nothing left to compare once it is left out.
    private static ValueList<string> Grants(ValueList<string> grants, bool withoutMaintain) =>
        !withoutMaintain ? grants
        : grants.Select(WithoutMaintain).Where(g => !g.Contains("=/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToValueList();

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? ListOrNone(ValueList<string> items) => items.Count == 0 ? null : string.Join(", ", items);

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Enabled(TriggerState state) => state switch
    {
        TriggerState.Enabled => "yes",
        TriggerState.Disabled => "no",
        TriggerState.Replica => "replica only",
        _ => "always",
    };
}
