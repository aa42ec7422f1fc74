namespace Migrations.Runner.Analysis;

/// <summary>
/// What one migration did, from the catalog before it and inside its transaction (or after it, outside one), the
/// locks its backend held before the end, and its SQL; sized by the target's tables.
/// </summary>
internal static class Effects
{
    public static (IReadOnlyList<RelationLock> Locks, IReadOnlyList<PlanFinding> Findings, IReadOnlyList<BuiltIndex> Indexes) Read(
        CatalogState before,
        CatalogState after,
        IReadOnlyDictionary<uint, string>? locks,
        StaticReading sql,
        TimeSpan sessionLockTimeout,
        Func<string, RelationSize?> sizeOf)
    {
        var measuredLocks = TableLocks(before, locks, sizeOf);
        var lockOf = measuredLocks.ToDictionary(l => l.Table, l => l.Mode, StringComparer.Ordinal);
        var findings = new List<PlanFinding>();

        PlanFinding Found(FindingKind kind, string? table, string? detail, Blocks unmeasured, Scales scales, SafeRewrite advice)
        {
            var mode = table is not null && lockOf.TryGetValue(table, out var m) ? m : null;
            var blocks = mode is not null ? LockModes.BlocksOf(mode) : locks is null ? unmeasured : Blocks.Nothing;
            return new PlanFinding(kind, table, detail, mode, blocks, scales, advice, Measured: true, table is null ? null : sizeOf(table));
        }

        foreach (var (oid, was) in before.Relations.Where(r => r.Value.IsTable))
        {
            if (after.Relations.TryGetValue(oid, out var now) && was.FileNode != 0 && now.FileNode != was.FileNode
                && !sql.Truncated.Contains(was.Name))
            {
                findings.Add(Found(
                    FindingKind.Rewrite, was.Name, null, Blocks.ReadsAndWrites, Scales.Bytes, SafeRewrite.AddNullableThenBackfill));
            }
        }

        foreach (var ((table, column), (type, notNull)) in before.Columns)
        {
            if (!after.Columns.TryGetValue((table, column), out var now) || !before.Relations.TryGetValue(table, out var relation))
            {
                continue;
            }

            if (now.Type != type)
            {
                var rewritten = findings.Any(f => f.Kind == FindingKind.Rewrite && f.Table == relation.Name);
                findings.Add(Found(
                    FindingKind.TypeChange, relation.Name, $"{column}: {type} -> {now.Type}", Blocks.ReadsAndWrites,
                    rewritten ? Scales.Bytes : Scales.Constant, rewritten ? SafeRewrite.NewColumnThenSwap : SafeRewrite.None));
            }

            if (now.NotNull && !notNull && !ProvenNotNull(before, table, column))
            {
                findings.Add(Found(
                    FindingKind.NotNullSet, relation.Name, column, Blocks.ReadsAndWrites, Scales.Rows,
                    SafeRewrite.CheckNotNullThenSetNotNull));
            }
        }

        var built = new List<BuiltIndex>();
        foreach (var index in after.Relations.Values.Where(r => r.IsIndex && !before.Relations.ContainsKey(r.Oid)))
        {
            var name = ShortName(index.Name);
            var rebuilt = before.Relations.Values.Any(r => r.Name == index.Name)
                && before.Relations.TryGetValue(index.Table, out var rewritten)
                && findings.Any(f => f.Kind == FindingKind.Rewrite && f.Table == rewritten.Name);
            var concurrently = locks is null && (sql.ConcurrentIndexes.Contains(name) || sql.ConcurrentIndexes.Contains("*"));
            if (!before.Relations.TryGetValue(index.Table, out var table) || rebuilt)
            {
                continue;
            }

            built.Add(new BuiltIndex(index.Name, table.Name, concurrently));
            if (!concurrently)
            {
                findings.Add(Found(
                    FindingKind.IndexBuilt, table.Name, index.Name, Blocks.Writes, Scales.Bytes, SafeRewrite.CreateIndexConcurrently));
            }
        }

        if (sql.DropsIndexBlocking)
        {
            foreach (var index in before.Relations.Values.Where(r => r.IsIndex && !after.Relations.ContainsKey(r.Oid)))
            {
                if (after.Relations.TryGetValue(index.Table, out var table))
                {
                    findings.Add(Found(
                        FindingKind.IndexDropped, table.Name, index.Name, Blocks.ReadsAndWrites, Scales.Constant,
                        SafeRewrite.DropIndexConcurrently));
                }
            }
        }

        foreach (var constraint in after.Constraints.Values.Where(c => c.Type is "c" or "f" && c.Validated))
        {
            var existed = before.Constraints.TryGetValue(constraint.Oid, out var was);
            if (!before.Relations.TryGetValue(constraint.Table, out var table) || (existed && was!.Validated))
            {
                continue;
            }

            var finding = Found(
                constraint.Type == "f" ? FindingKind.ForeignKeyValidated : FindingKind.CheckValidated, table.Name, constraint.Name,
                Blocks.Writes, Scales.Rows, SafeRewrite.NotValidThenValidate);
            // VALIDATE CONSTRAINT on its own takes SHARE UPDATE EXCLUSIVE: the scan blocks nobody, which is the safe way.
            if (!existed || finding.Blocks != Blocks.Nothing)
            {
                findings.Add(finding);
            }
        }

        foreach (var (oid, (name, values)) in before.Enums)
        {
            if (!after.Enums.TryGetValue(oid, out var now) || now.Values != values)
            {
                findings.Add(new PlanFinding(
                    FindingKind.EnumChanged, null, $"{name}: {values} -> {(now.Values ?? "(dropped)")}", null, Blocks.Nothing,
                    Scales.Constant, SafeRewrite.OwnMigrationAfterDeploy, Measured: true, null));
            }
        }

        findings.AddRange(sql.Findings.Select(f => Static(f, lockOf, sizeOf)));
        // A rewrite is the cost of what caused it; the safer way is that cause's.
        for (var i = 0; i < findings.Count; i++)
        {
            var table = findings[i].Table;
            var cause = findings.FirstOrDefault(
                f => f.Table == table && f.Kind is FindingKind.TypeChange or FindingKind.VacuumFull or FindingKind.Cluster);
            if (findings[i].Kind == FindingKind.Rewrite && cause is not null)
            {
                findings[i] = findings[i] with { Advice = cause.Advice };
            }
        }

        var lockTimeout = sql.LockTimeout ?? sessionLockTimeout;
        if (lockTimeout == TimeSpan.Zero)
        {
            findings.AddRange(measuredLocks
                .Where(l => l.Blocks != Blocks.Nothing && l.Size is { Rows: > 0 })
                .Select(l => new PlanFinding(
                    FindingKind.NoLockTimeout, l.Table, null, l.Mode, l.Blocks, Scales.Constant, SafeRewrite.LockTimeoutWithRetries,
                    Measured: true, l.Size)));
        }

        return (measuredLocks, findings, built);
    }

    private static PlanFinding Static(StaticFinding finding, Dictionary<string, string> lockOf, Func<string, RelationSize?> sizeOf)
    {
        var (blocks, scales, advice) = finding.Kind switch
        {
            FindingKind.VacuumFull or FindingKind.Cluster => (Blocks.ReadsAndWrites, Scales.Bytes, SafeRewrite.RepackOnline),
            FindingKind.Reindex => (Blocks.Writes, Scales.Bytes, SafeRewrite.ReindexConcurrently),
            FindingKind.Truncate => (Blocks.ReadsAndWrites, Scales.Constant, SafeRewrite.DeleteInBatches),
            _ => (Blocks.ReadsAndWrites, Scales.Constant, SafeRewrite.StopUsingFirst),
        };
        var mode = finding.Table is not null && lockOf.TryGetValue(finding.Table, out var m) ? m : null;
        return new PlanFinding(
            finding.Kind, finding.Table, finding.Detail, mode, mode is null ? blocks : LockModes.BlocksOf(mode), scales, advice,
            Measured: false, finding.Table is null ? null : sizeOf(finding.Table));
    }

    // Locks on tables and views that existed before: a relation the migration created blocks nobody.
    private static List<RelationLock> TableLocks(
        CatalogState before, IReadOnlyDictionary<uint, string>? locks, Func<string, RelationSize?> sizeOf) =>
        locks is null
            ? []
            :
            [
                .. locks
                    .Where(l => before.Relations.TryGetValue(l.Key, out var r) && r.Kind is "r" or "p" or "m" or "v")
                    .Select(l => (Name: before.Relations[l.Key].Name, Mode: l.Value))
                    .Select(l => new RelationLock(l.Name, l.Mode, LockModes.BlocksOf(l.Mode), sizeOf(l.Name)))
                    .OrderByDescending(l => LockModes.Rank(l.Mode))
                    .ThenBy(l => l.Table, StringComparer.Ordinal),
            ];

    // PostgreSQL 12 and later skip SET NOT NULL's scan when a valid CHECK (column IS NOT NULL) proves it.
    private static bool ProvenNotNull(CatalogState before, uint table, string column) =>
        before.Constraints.Values.Any(c => c.Table == table && c.Type == "c" && c.Validated
            && (c.Definition == $"CHECK (({column} IS NOT NULL))" || c.Definition == $"CHECK ((\"{column}\" IS NOT NULL))"));

    private static string ShortName(string qualified) => qualified[(qualified.IndexOf('.', StringComparison.Ordinal) + 1)..];
}
