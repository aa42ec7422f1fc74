namespace Migrations.Runner.Schema.Generation;

/// <summary>Constraints and indexes.</summary>
internal sealed partial class ScriptPlan
{
    private void Constraints()
    {
        var oldTables = From.Tables.Where(t => !_droppedTables.Contains(t.QualifiedName))
            .ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        var newTables = To.Tables.Select(t => t.QualifiedName).ToHashSet(StringComparer.Ordinal);

        // Tables dropped together may reference each other: their foreign keys go first.
        foreach (var table in From.Tables.Where(t => _droppedTables.Contains(t.QualifiedName)))
        {
            var keys = table.Constraints.Where(c => c.Kind == ConstraintKind.ForeignKey && c.ReferencedTable != table.QualifiedName);
            foreach (var key in keys)
            {
                Emit(Phase.DropForeignKeys, $"ALTER TABLE {Sql.Name(table.Schema, table.Name)} DROP CONSTRAINT {Sql.Ident(key.Name)}");
            }
        }

        // Dropped first from parents (a child's inherited copy goes with its parent's, hence IF EXISTS on children).
        foreach (var table in ByDepth(From).Where(t => oldTables.ContainsKey(t.QualifiedName)))
        {
            var current = To.Tables.FirstOrDefault(t => t.QualifiedName == table.QualifiedName);
            var after = current?.Constraints.ToDictionary(c => c.Name, StringComparer.Ordinal) ?? [];
            foreach (var constraint in table.Constraints)
            {
                var kept = after.TryGetValue(constraint.Name, out var now) && now.Definition == constraint.Definition
                    && !Rebuilt(constraint) && !ConstraintRebuilt(table.QualifiedName, constraint);
                if (kept || (current is null && constraint.Kind != ConstraintKind.ForeignKey))
                {
                    continue;
                }

                if (constraint.Kind == ConstraintKind.ForeignKey && constraint.ReferencedTable is { } target
                    && _droppedTables.Contains(target) && current is null)
                {
                    continue;
                }

                var ifExists = table.Inherits.Count > 0 ? "IF EXISTS " : "";
                Emit(constraint.Kind == ConstraintKind.ForeignKey ? Phase.DropForeignKeys : Phase.DropConstraints,
                    $"ALTER TABLE {Sql.Name(table.Schema, table.Name)} DROP CONSTRAINT {ifExists}{Sql.Ident(constraint.Name)}");
            }
        }

        // Added first to children, so that a parent's constraint finds theirs and adopts them.
        foreach (var table in Enumerable.Reverse(ByDepth(To)))
        {
            var before = oldTables.GetValueOrDefault(table.QualifiedName)?.Constraints.ToDictionary(c => c.Name, StringComparer.Ordinal)
                ?? [];
            var name = Sql.Name(table.Schema, table.Name);
            foreach (var constraint in table.Constraints)
            {
                var old = before.GetValueOrDefault(constraint.Name);
                if (old is not null && old.Definition == constraint.Definition && !Rebuilt(old)
                    && !ConstraintRebuilt(table.QualifiedName, old))
                {
                    continue;
                }

                if (InheritedFromParent(table, constraint) && !newTables.Contains(table.QualifiedName))
                {
                    continue;
                }

                Emit(constraint.Kind == ConstraintKind.ForeignKey ? Phase.AddForeignKeys : Phase.AddConstraints,
                    $"ALTER TABLE {name} ADD CONSTRAINT {Sql.Ident(constraint.Name)} {constraint.Definition}");
                Fresh($"CONSTRAINT {Sql.Ident(constraint.Name)} ON {name}");
            }
        }
    }

    // A foreign key onto a table whose keys or unique indexes change is dropped and added again around them.
    private bool Rebuilt(ConstraintInfo constraint) =>
        constraint.Kind == ConstraintKind.ForeignKey && constraint.ReferencedTable is { } target && _rekeyedTables.Contains(target);

    private bool InheritedFromParent(TableInfo table, ConstraintInfo constraint) =>
        table.Inherits.Any(p => To.Tables.FirstOrDefault(t => t.QualifiedName == p)?.Constraints
            .Any(c => c.Name == constraint.Name && c.Definition == constraint.Definition) == true);

    private static bool BacksConstraint(SchemaSnapshot snapshot, IndexInfo index) =>
        snapshot.Tables.FirstOrDefault(t => t.Schema == index.Schema && t.Name == index.Table)?.Constraints
            .Any(c => c.Name == index.Name && c.Kind is ConstraintKind.PrimaryKey or ConstraintKind.Unique or ConstraintKind.Exclusion)
        == true;

    private void Indexes()
    {
        var after = To.Indexes.Where(i => !BacksConstraint(To, i)).ToDictionary(i => i.QualifiedName, StringComparer.Ordinal);
        var depthBefore = ByDepth(From).Select((t, i) => (t.QualifiedName, i))
            .ToDictionary(p => p.QualifiedName, p => p.i, StringComparer.Ordinal);
        // Parents' first: a partition's index attached to its parent's goes with it (hence IF EXISTS on partitions).
        foreach (var index in From.Indexes.Where(i => !BacksConstraint(From, i))
            .OrderBy(i => depthBefore.GetValueOrDefault($"{i.Schema}.{i.Table}")))
        {
            var relation = $"{index.Schema}.{index.Table}";
            if (_droppedTables.Contains(relation) || _droppedViews.Contains(relation)
                || (after.TryGetValue(index.QualifiedName, out var now) && now.Definition == index.Definition && now.Valid == index.Valid
                    && !IndexRebuilt(index)))
            {
                continue;
            }

            var partition = From.Tables.FirstOrDefault(t => t.Schema == index.Schema && t.Name == index.Table)?.Kind == TableKind.Partition;
            Emit(Phase.DropIndexes, $"DROP INDEX {(partition ? "IF EXISTS " : "")}{Sql.Name(index.Schema, index.Name)}");
        }

        var before = From.Indexes.Where(i => !BacksConstraint(From, i)).ToDictionary(i => i.QualifiedName, StringComparer.Ordinal);
        var depth = ByDepth(To).Select((t, i) => (t.QualifiedName, i)).ToDictionary(p => p.QualifiedName, p => p.i, StringComparer.Ordinal);
        foreach (var index in after.Values.OrderByDescending(i => depth.GetValueOrDefault($"{i.Schema}.{i.Table}")))
        {
            var relation = $"{index.Schema}.{index.Table}";
            var recreated = _droppedTables.Contains(relation) || _droppedViews.Contains(relation);
            if (!recreated && before.TryGetValue(index.QualifiedName, out var old) && old.Definition == index.Definition
                && old.Valid == index.Valid && !IndexRebuilt(old))
            {
                continue;
            }

            if (!index.Valid)
            {
                Warn($"index {index.QualifiedName} is INVALID where it was read (a failed CREATE INDEX CONCURRENTLY); it is created valid");
            }

            // An index on a partitioned table is printed ON ONLY; created whole, it adopts its partitions' equal indexes.
            var table = To.Tables.FirstOrDefault(t => t.Schema == index.Schema && t.Name == index.Table);
            var text = index.Definition.Replace(" ON ONLY ", " ON ", StringComparison.Ordinal);
            if (table?.Kind == TableKind.Partition)
            {
                text = text.Replace("INDEX ", "INDEX IF NOT EXISTS ", StringComparison.Ordinal);
            }

            Emit(table is null ? Phase.ViewIndexes : Phase.AddIndexes, text);
            Fresh($"INDEX {Sql.Name(index.Schema, index.Name)}");
        }
    }
}
