namespace Migrations.Runner.Schema.Generation;

/// <summary>Tables and their columns.</summary>
internal sealed partial class ScriptPlan
{
    private void Tables()
    {
        foreach (var old in Enumerable.Reverse(ByDepth(From)).Where(t => _droppedTables.Contains(t.QualifiedName)))
        {
            Destroy(Phase.DropTables, $"DROP TABLE {Sql.Name(old.Schema, old.Name)}",
                $"table {old.QualifiedName} is dropped with its rows");
        }

        var before = From.Tables.Where(t => !_droppedTables.Contains(t.QualifiedName))
            .ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        foreach (var table in ByDepth(To))
        {
            if (before.TryGetValue(table.QualifiedName, out var old))
            {
                AlterTable(old, table);
            }
            else
            {
                CreateTable(table);
            }
        }
    }

    /// <summary>Parents before the tables that inherit from them or partition them.</summary>
    private static List<TableInfo> ByDepth(SchemaSnapshot snapshot)
    {
        var tables = snapshot.Tables.ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        int Depth(TableInfo t, int guard) =>
            guard > 64 ? 0 : t.Inherits.Select(p => tables.TryGetValue(p, out var parent) ? Depth(parent, guard + 1) + 1 : 0)
                .DefaultIfEmpty(0).Max();
        return snapshot.Tables.OrderBy(t => Depth(t, 0)).ToList();
    }

    private void CreateTable(TableInfo table)
    {
        var name = Sql.Name(table.Schema, table.Name);
        var unlogged = table.Unlogged ? "UNLOGGED " : "";
        string text;
        if (table.Kind == TableKind.Partition)
        {
            var parent = Sql.SplitName(table.Inherits[0]);
            text = $"CREATE {unlogged}TABLE {name} PARTITION OF {Sql.Name(parent.Schema, parent.Name)} {table.PartitionBound}";
        }
        else
        {
            // Inherited columns come from the parents, with their defaults and generation expressions.
            var inherited = To.Tables.Where(t => table.Inherits.Contains(t.QualifiedName)).SelectMany(t => t.Columns)
                .Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var columns = table.Columns.Where(c => !inherited.Contains(c.Name)).OrderBy(c => c.Position)
                .Select(c => "    " + ColumnDefinition(table, c));
            text = $"CREATE {unlogged}TABLE {name} (\n{string.Join(",\n", columns)}\n)";
            if (table.Inherits.Count > 0)
            {
                var parents = table.Inherits.Select(p => Sql.SplitName(p)).Select(p => Sql.Name(p.Schema, p.Name));
                text += " INHERITS (" + string.Join(", ", parents) + ")";
            }
        }

        if (table.PartitionKey is { } key)
        {
            text += " PARTITION BY " + key;
        }

        if (table.Options.Count > 0)
        {
            text += $" WITH ({string.Join(", ", table.Options)})";
        }

        Emit(Phase.CreateTables, text);
        Fresh($"TABLE {name}");
        foreach (var column in table.Columns)
        {
            Fresh($"COLUMN {name}.{Sql.Ident(column.Name)}");
            if (table.Kind != TableKind.Partition)
            {
                ColumnSettings(table, null, column);
            }
        }

        if (table.Kind == TableKind.Partition)
        {
            // A partition takes its columns from its parent; what it sets locally is set after.
            var parent = To.Tables.FirstOrDefault(t => t.QualifiedName == table.Inherits[0]);
            foreach (var column in table.Columns)
            {
                var inherited = parent?.Columns.FirstOrDefault(c => c.Name == column.Name);
                if (inherited is not null)
                {
                    AlterColumn(table, inherited with { Position = column.Position, Comment = column.Comment }, column);
                }
            }
        }
    }

    private string ColumnDefinition(TableInfo table, ColumnInfo c)
    {
        var text = $"{Sql.Ident(c.Name)} {c.Type}{Collate(c.Collation)}";
        if (c.Generated is { } expression)
        {
            text += $" GENERATED ALWAYS AS ({expression}) {(c.Virtual ? "VIRTUAL" : "STORED")}";
        }

        if (c.Identity is { } identity)
        {
            text += $" GENERATED {identity.ToUpperInvariant()} AS IDENTITY" + IdentityOptions(table, c);
        }

        if (c.Default is { } value)
        {
            text += " DEFAULT " + value;
        }

        return c.NotNull && c.Identity is null ? text + " NOT NULL" : text;
    }

    private string IdentityOptions(TableInfo table, ColumnInfo c)
    {
        var owner = $"{table.QualifiedName}.{c.Name}";
        return To.Sequences.FirstOrDefault(s => s.OwnedBy == owner) is { } s
            ? $" (SEQUENCE NAME {Sql.Name(s.Schema, s.Name)} {SequenceOptions(s)})"
            : "";
    }

    private void AlterTable(TableInfo old, TableInfo table)
    {
        var name = Sql.Name(table.Schema, table.Name);
        if (old.Unlogged != table.Unlogged)
        {
            Emit(Phase.AlterTables, $"ALTER TABLE {name} SET {(table.Unlogged ? "UNLOGGED" : "LOGGED")}");
        }

        if (!old.Options.Equals(table.Options))
        {
            var keys = table.Options.Select(o => o.Split('=')[0]).ToHashSet(StringComparer.Ordinal);
            var reset = old.Options.Select(o => o.Split('=')[0]).Where(k => !keys.Contains(k)).ToList();
            if (reset.Count > 0)
            {
                Emit(Phase.AlterTables, $"ALTER TABLE {name} RESET ({string.Join(", ", reset)})");
            }

            if (table.Options.Count > 0)
            {
                Emit(Phase.AlterTables, $"ALTER TABLE {name} SET ({string.Join(", ", table.Options)})");
            }
        }

        if (old.PartitionBound != table.PartitionBound && old.Kind == TableKind.Partition)
        {
            var parent = Sql.SplitName(table.Inherits[0]);
            Emit(Phase.AlterTables, $"ALTER TABLE {Sql.Name(parent.Schema, parent.Name)} DETACH PARTITION {name}");
            Emit(Phase.AlterTables, $"ALTER TABLE {Sql.Name(parent.Schema, parent.Name)} ATTACH PARTITION {name} {table.PartitionBound}");
        }
        else if (!old.Inherits.Equals(table.Inherits) && table.Kind != TableKind.Partition)
        {
            foreach (var parent in old.Inherits.Except(table.Inherits).Select(p => Sql.SplitName(p)))
            {
                Emit(Phase.AlterTables, $"ALTER TABLE {name} NO INHERIT {Sql.Name(parent.Schema, parent.Name)}");
            }

            foreach (var parent in table.Inherits.Except(old.Inherits).Select(p => Sql.SplitName(p)))
            {
                Emit(Phase.AlterTables, $"ALTER TABLE {name} INHERIT {Sql.Name(parent.Schema, parent.Name)}");
            }
        }

        var after = table.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var column in old.Columns.Where(c => !after.ContainsKey(c.Name)))
        {
            Destroy(Phase.DropColumns, $"ALTER TABLE {name} DROP COLUMN {Sql.Ident(column.Name)}",
                $"column {old.QualifiedName}.{column.Name} is dropped with its data");
        }

        var existing = old.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var column in table.Columns)
        {
            if (existing.TryGetValue(column.Name, out var was))
            {
                AlterColumn(table, was, column);
            }
            else
            {
                Emit(Phase.AlterColumns, $"ALTER TABLE {name} ADD COLUMN {ColumnDefinition(table, column)}");
                Fresh($"COLUMN {name}.{Sql.Ident(column.Name)}");
                ColumnSettings(table, null, column);
            }
        }

        var kept = old.Columns.Where(c => after.ContainsKey(c.Name)).Select(c => c.Name)
            .Concat(table.Columns.Where(c => !existing.ContainsKey(c.Name)).Select(c => c.Name));
        if (!kept.SequenceEqual(table.Columns.Select(c => c.Name)))
        {
            Warn($"the columns of {table.QualifiedName} end in another order than wanted: PostgreSQL adds a column at the end "
                + "(column order is not compared)");
        }
    }

    private void AlterColumn(TableInfo table, ColumnInfo old, ColumnInfo column)
    {
        var prefix = $"ALTER TABLE {Sql.Name(table.Schema, table.Name)} ALTER COLUMN {Sql.Ident(column.Name)}";
        var retyped = old.Type != column.Type || old.Collation != column.Collation;
        var converted = IsRecreatedType(column.Type);
        if (IsRecreatedColumn(table.Schema, table.Name, column.Name))
        {
            var why = old.Generated == column.Generated ? "is computed by a function created again" : "becomes generated";
            Warn($"column {table.QualifiedName}.{column.Name} {why}: it is dropped and added again at the end");
            var name = Sql.Name(table.Schema, table.Name);
            Emit(Phase.DropColumns, $"ALTER TABLE {name} DROP COLUMN {Sql.Ident(column.Name)}");
            Emit(Phase.AlterColumns, $"ALTER TABLE {name} ADD COLUMN {ColumnDefinition(table, column)}");
            Fresh($"COLUMN {name}.{Sql.Ident(column.Name)}");
            ColumnSettings(table, null, column);
            return;
        }

        if (column.Generated is { } expression && old.Generated != expression)
        {
            Emit(Phase.AlterColumns, $"{prefix} SET EXPRESSION AS ({expression})");
        }

        // A default over a function that is dropped and created again goes with it and comes back after.
        var recalled = old.Default is { } was && DroppedFunctionMentioned(was);
        if (old.Default is not null && (old.Default != column.Default || retyped || converted || recalled))
        {
            Emit(Phase.DropDefaults, $"{prefix} DROP DEFAULT");
        }

        if (old.Generated is not null && column.Generated is null)
        {
            // Before any function its expression calls is dropped.
            Emit(Phase.DropDefaults, $"{prefix} DROP EXPRESSION");
        }

        if (retyped)
        {
            var text = $"{prefix} TYPE {column.Type}{Collate(column.Collation)} USING {Sql.Ident(column.Name)}::{column.Type}";
            if (Widens(old.Type, column.Type))
            {
                Emit(Phase.AlterColumns, text);
            }
            else
            {
                Destroy(Phase.AlterColumns, text,
                    $"column {table.QualifiedName}.{column.Name} changes type {old.Type} -> {column.Type}: "
                    + "values that do not fit fail or are cut");
            }
        }

        // An identity needs NOT NULL first; dropping NOT NULL needs the identity gone.
        if (!old.NotNull && column.NotNull)
        {
            Emit(Phase.AlterColumns, $"{prefix} SET NOT NULL");
        }

        if (old.Identity != column.Identity)
        {
            Emit(Phase.AlterColumns, (old.Identity, column.Identity) switch
            {
                (null, { } identity) => $"{prefix} ADD GENERATED {identity.ToUpperInvariant()} AS IDENTITY{IdentityOptions(table, column)}",
                (_, null) => $"{prefix} DROP IDENTITY",
                (_, { } identity) => $"{prefix} SET GENERATED {identity.ToUpperInvariant()}",
            });
        }

        if (column.Default is { } value && (old.Default != value || retyped || converted || recalled))
        {
            Emit(Phase.AlterColumns, $"{prefix} SET DEFAULT {value}");
        }

        if (old.NotNull && !column.NotNull)
        {
            Emit(Phase.AlterColumns, $"{prefix} DROP NOT NULL");
        }

        ColumnSettings(table, old, column);
    }

    /// <summary>Storage, compression and statistics target: ALTER COLUMN settings no column definition can carry.</summary>
    private void ColumnSettings(TableInfo table, ColumnInfo? old, ColumnInfo column)
    {
        var prefix = $"ALTER TABLE {Sql.Name(table.Schema, table.Name)} ALTER COLUMN {Sql.Ident(column.Name)}";
        if (old?.Storage != column.Storage)
        {
            Emit(Phase.AlterColumns, $"{prefix} SET STORAGE {(column.Storage ?? DefaultStorage(column.Type)).ToUpperInvariant()}");
        }

        if (old?.Compression != column.Compression)
        {
            Emit(Phase.AlterColumns, $"{prefix} SET COMPRESSION {column.Compression ?? "DEFAULT"}");
        }

        if (old?.StatisticsTarget != column.StatisticsTarget)
        {
            Emit(Phase.AlterColumns, $"{prefix} SET STATISTICS {column.StatisticsTarget ?? -1}");
        }
    }

    // The storage a type declares (pg_type.typstorage), for resetting a column's: there is no SET STORAGE DEFAULT before 16.
    private static string DefaultStorage(string type) =>
        type.EndsWith("[]", StringComparison.Ordinal) ? "extended"
        : type.StartsWith("numeric", StringComparison.Ordinal) || type is "inet" or "cidr" ? "main"
        : type is "smallint" or "integer" or "bigint" or "boolean" or "real" or "double precision" or "date" or "uuid" or "money"
            or "\"char\"" or "oid" or "interval" || type.StartsWith("timestamp", StringComparison.Ordinal)
            || type.StartsWith("time ", StringComparison.Ordinal) || type == "time" ? "plain"
        : "extended";

    // Conversions that keep every value: nothing for a reviewer to weigh.
    private static bool Widens(string from, string to)
    {
        static int? Length(string type, string prefix) =>
            type.StartsWith(prefix + "(", StringComparison.Ordinal) && int.TryParse(type[(prefix.Length + 1)..^1], out var n) ? n : null;

        string[] integers = ["smallint", "integer", "bigint"];
        if (Array.IndexOf(integers, from) is var i and >= 0 && Array.IndexOf(integers, to) is var j and >= 0)
        {
            return j >= i;
        }

        return to == "text" && (from.StartsWith("character varying", StringComparison.Ordinal) || from == "character varying")
            || (Length(from, "character varying") is { } a && (to == "character varying" || Length(to, "character varying") >= a));
    }
}
