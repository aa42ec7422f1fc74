using System.Globalization;

namespace Migrations.Runner.Schema.Generation;

/// <summary>Schemas, extensions, enums, domains, composite types and sequences.</summary>
internal sealed partial class ScriptPlan
{
    private void SchemasAndExtensions()
    {
        foreach (var (old, current) in Pair(From.Schemas, To.Schemas, s => s.Name))
        {
            if (current is null)
            {
                Emit(Phase.DropSchemas, $"DROP SCHEMA {Sql.Ident(old!.Name)}");
            }
            else if (old is null)
            {
                Emit(Phase.CreateSchemas, $"CREATE SCHEMA {Sql.Ident(current.Name)}");
            }
        }

        foreach (var (old, current) in Pair(From.Extensions, To.Extensions, e => e.Name))
        {
            if (current is null)
            {
                Emit(Phase.DropExtensions, $"DROP EXTENSION {Sql.Ident(old!.Name)}");
            }
            else if (old is null)
            {
                Emit(Phase.CreateExtensions,
                    $"CREATE EXTENSION {Sql.Ident(current.Name)} WITH SCHEMA {Sql.Ident(current.Schema)} "
                    + $"VERSION {Sql.Literal(current.Version)}");
            }
            else
            {
                if (old.Schema != current.Schema)
                {
                    Emit(Phase.CreateExtensions, $"ALTER EXTENSION {Sql.Ident(current.Name)} SET SCHEMA {Sql.Ident(current.Schema)}");
                }

                if (old.Version != current.Version)
                {
                    Emit(Phase.CreateExtensions, $"ALTER EXTENSION {Sql.Ident(current.Name)} UPDATE TO {Sql.Literal(current.Version)}");
                }
            }
        }
    }

    private void Types()
    {
        foreach (var (old, current) in Pair(From.Enums, To.Enums, e => e.QualifiedName))
        {
            Enum(old, current);
        }

        foreach (var (old, current) in Pair(From.Domains, To.Domains, d => d.QualifiedName))
        {
            Domain(old, current);
        }

        foreach (var (old, current) in Pair(From.CompositeTypes, To.CompositeTypes, c => c.QualifiedName))
        {
            if (current is null)
            {
                Emit(Phase.DropTypes, $"DROP TYPE {Sql.Name(old!.Schema, old.Name)}");
            }
            else if (old is null)
            {
                var attributes = current.Attributes.Select(Attribute);
                Emit(Phase.CreateTypes, $"CREATE TYPE {Sql.Name(current.Schema, current.Name)} AS ({string.Join(", ", attributes)})");
            }
            else if (!old.Attributes.Equals(current.Attributes))
            {
                var name = Sql.Name(current.Schema, current.Name);
                var after = current.Attributes.ToDictionary(a => a.Name, StringComparer.Ordinal);
                var actions = old.Attributes.Where(a => !after.ContainsKey(a.Name))
                    .Select(a => $"DROP ATTRIBUTE {Sql.Ident(a.Name)}")
                    .Concat(old.Attributes.Where(a => after.TryGetValue(a.Name, out var n) && n != a)
                        .Select(a => $"ALTER ATTRIBUTE {Sql.Ident(a.Name)} TYPE {after[a.Name].Type}{Collate(after[a.Name].Collation)}"))
                    .Concat(current.Attributes.Where(a => old.Attributes.All(o => o.Name != a.Name))
                        .Select(a => "ADD ATTRIBUTE " + Attribute(a)))
                    .ToList();
                Emit(Phase.CreateTypes, $"ALTER TYPE {name} {string.Join(", ", actions)}");
            }
        }
    }

    private static string Attribute(AttributeInfo a) => $"{Sql.Ident(a.Name)} {a.Type}{Collate(a.Collation)}";

    private static string Collate(string? collation) => collation is null ? "" : " COLLATE " + collation;

    private void Enum(EnumInfo? old, EnumInfo? current)
    {
        if (current is null)
        {
            Emit(Phase.DropTypes, $"DROP TYPE {Sql.Name(old!.Schema, old.Name)}");
            return;
        }

        var name = Sql.Name(current.Schema, current.Name);
        var labels = string.Join(", ", current.Labels.Select(Sql.Literal));
        if (old is null)
        {
            Emit(Phase.CreateTypes, $"CREATE TYPE {name} AS ENUM ({labels})");
            return;
        }

        if (old.Labels.Equals(current.Labels))
        {
            return;
        }

        if (!_recreatedEnums.Contains(old.QualifiedName))
        {
            // Labels are only added, in place: ADD VALUE keeps every stored value.
            for (var i = 0; i < current.Labels.Count; i++)
            {
                var label = current.Labels[i];
                if (old.Labels.Contains(label))
                {
                    continue;
                }

                var place = i + 1 < current.Labels.Count && old.Labels.Contains(current.Labels[i + 1])
                    ? " BEFORE " + Sql.Literal(current.Labels[i + 1])
                    : i > 0 ? " AFTER " + Sql.Literal(current.Labels[i - 1]) : "";
                Emit(Phase.AddLabels, new ScriptStatement(
                    $"ALTER TYPE {name} ADD VALUE {Sql.Literal(label)}{place}",
                    OutsideTransaction: true,
                    Note: "outside a transaction: a label added in a transaction cannot be used until it commits"));
            }

            return;
        }

        // A label removed or moved: the type is created again and every column converted through its text.
        var removed = old.Labels.Where(l => !current.Labels.Contains(l)).ToList();
        var warning = removed.Count == 0
            ? $"enum {old.QualifiedName} is created again to reorder its labels; its columns are converted"
            : $"enum {old.QualifiedName} loses label(s) {string.Join(", ", removed.Select(Sql.Literal))}: "
              + "a row holding one makes the conversion fail; update those rows first";
        var retired = Sql.Name(current.Schema, current.Name + "__old");
        Destroy(Phase.CreateTypes, $"ALTER TYPE {name} RENAME TO {Sql.Ident(current.Name + "__old")}", warning);
        Emit(Phase.CreateTypes, $"CREATE TYPE {name} AS ENUM ({labels})");
        Fresh($"TYPE {name}");
        ConvertColumns(old.QualifiedName, name, through: "text");

        Emit(Phase.ConvertColumns, $"DROP TYPE {retired}");
    }

    private void Domain(DomainInfo? old, DomainInfo? current)
    {
        if (current is null)
        {
            // The domain goes once no column uses it, after the functions: what of it calls one goes before them.
            var dropped = Sql.Name(old!.Schema, old.Name);
            if (old.Default is { } value && DroppedFunctionMentioned(value))
            {
                Emit(Phase.DropDefaults, $"ALTER DOMAIN {dropped} DROP DEFAULT");
            }

            foreach (var check in old.Checks.Where(c => DroppedFunctionMentioned(c.Definition)))
            {
                Emit(Phase.DropConstraints, $"ALTER DOMAIN {dropped} DROP CONSTRAINT {Sql.Ident(check.Name)}");
            }

            Emit(Phase.DropTypes, $"DROP DOMAIN {dropped}");
            return;
        }

        var name = Sql.Name(current.Schema, current.Name);
        if (old is null || _recreatedDomains.Contains(old.QualifiedName))
        {
            // Default and checks come in DomainRules, once the functions they may call exist.
            var create = $"CREATE DOMAIN {name} AS {current.BaseType}{Collate(current.Collation)}" + (current.NotNull ? " NOT NULL" : "");
            if (old is null)
            {
                Emit(Phase.CreateTypes, create);
            }
            else
            {
                RecreateDomain(old, current, create);
            }
        }
        else if (old.NotNull != current.NotNull)
        {
            Emit(Phase.CreateTypes, $"ALTER DOMAIN {name} {(current.NotNull ? "SET" : "DROP")} NOT NULL");
        }

        DomainRules(old, current);
    }

    private void Sequences()
    {
        foreach (var (old, current) in Pair(From.Sequences, To.Sequences, s => s.QualifiedName))
        {
            if (current is null)
            {
                // An owned sequence goes with its column; an identity's with its identity.
                if (old!.OwnedBy is { } owner && (OwnerDropped(owner) || IsIdentity(From, owner)))
                {
                    continue;
                }

                Destroy(Phase.DropSequences, $"DROP SEQUENCE {Sql.Name(old.Schema, old.Name)}",
                    $"sequence {old.QualifiedName} is dropped with its current value");
                continue;
            }

            if (current.OwnedBy is { } identityOwner && IsIdentity(To, identityOwner))
            {
                if (old is not null && IsIdentity(From, identityOwner) && SequenceOptions(old) != SequenceOptions(current))
                {
                    Emit(Phase.AlterColumns, $"ALTER SEQUENCE {Sql.Name(current.Schema, current.Name)} {SequenceOptions(current)}");
                }

                continue;
            }

            var name = Sql.Name(current.Schema, current.Name);
            if (old is null || (old.OwnedBy is { } was && IsIdentity(From, was)))
            {
                Emit(Phase.CreateSequences, $"CREATE SEQUENCE {name} AS {current.Type} {SequenceOptions(current)}");
            }
            else if (old.Type != current.Type || SequenceOptions(old) != SequenceOptions(current))
            {
                Emit(Phase.CreateSequences, $"ALTER SEQUENCE {name} AS {current.Type} {SequenceOptions(current)}");
            }

            if (old?.OwnedBy is { } previous && previous != current.OwnedBy && !IsIdentity(From, previous) && OwnerDropped(previous))
            {
                // Dropping the owning table or column would take the sequence with it.
                Emit(Phase.DropDefaults, $"ALTER SEQUENCE {name} OWNED BY NONE");
                if (current.OwnedBy is null)
                {
                    continue;
                }
            }

            if (old?.OwnedBy != current.OwnedBy)
            {
                var owner = current.OwnedBy is { } o ? Column(o) : "NONE";
                Emit(Phase.OwnSequences, $"ALTER SEQUENCE {name} OWNED BY {owner}");
            }
        }
    }

    internal static string SequenceOptions(SequenceInfo s) =>
        string.Create(CultureInfo.InvariantCulture,
            $"START WITH {s.Start} INCREMENT BY {s.Increment} MINVALUE {s.Minimum} MAXVALUE {s.Maximum} CACHE {s.Cache}")
        + (s.Cycle ? " CYCLE" : " NO CYCLE");

    private static string Column(string qualified)
    {
        var (schema, table, column) = Sql.SplitColumn(qualified);
        return Sql.Name(schema, table) + "." + Sql.Ident(column);
    }

    private static bool IsIdentity(SchemaSnapshot snapshot, string owner)
    {
        var (schema, table, column) = Sql.SplitColumn(owner);
        return snapshot.Tables.FirstOrDefault(t => t.Schema == schema && t.Name == table)?.Columns
            .FirstOrDefault(c => c.Name == column)?.Identity is not null;
    }

    private bool OwnerDropped(string owner)
    {
        var (schema, table, column) = Sql.SplitColumn(owner);
        return _droppedTables.Contains($"{schema}.{table}")
            || To.Tables.FirstOrDefault(t => t.Schema == schema && t.Name == table)?.Columns.All(c => c.Name != column) != false;
    }

    // Every column of a table that stays whose type (or element type) was the retired one takes the type created again
    // as `name`; an enum's values go through text, a domain's straight across.
    private void ConvertColumns(string retired, string name, string? through)
    {
        foreach (var table in From.Tables.Where(t => !_droppedTables.Contains(t.QualifiedName)))
        {
            foreach (var column in table.Columns.Where(c => ElementType(c.Type) == retired))
            {
                var array = column.Type.EndsWith("[]", StringComparison.Ordinal) ? "[]" : "";
                var via = through is null ? "" : $"::{through}{array}";
                Emit(Phase.ConvertColumns, $"ALTER TABLE {Sql.Name(table.Schema, table.Name)} ALTER COLUMN {Sql.Ident(column.Name)} "
                    + $"TYPE {name}{array} USING {Sql.Ident(column.Name)}{via}::{name}{array}");
            }
        }
    }
}
