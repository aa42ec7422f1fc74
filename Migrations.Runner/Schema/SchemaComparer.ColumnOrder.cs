namespace Migrations.Runner.Schema;

/// <summary>
/// Column order is not compared: PostgreSQL has no statement that moves a column (ALTER TABLE adds one at the end), so a
/// difference in order alone could only be made equal by rebuilding the table. Atlas, pgquarrel and EF Core's
/// migrations compare columns by name the same way; <c>pg_dump</c> prints them in the order the table has them, so a
/// text diff of two dumps shows it, and <see cref="Notes"/> says so.
/// </summary>
public static partial class SchemaComparer
{
    /// <summary>
    /// What a comparison leaves out or compares differently, one sentence each: <see cref="VersionNotes"/>, then every
    /// table or view whose shared columns come in another order.
    /// </summary>
    public static IReadOnlyList<string> Notes(SchemaSnapshot expected, SchemaSnapshot actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return [.. VersionNotes(expected, actual), .. ColumnOrderNotes(expected, actual)];
    }

    /// <summary>Tables (and views) whose columns present on both sides come in another order, as notes.</summary>
    public static IReadOnlyList<string> ColumnOrderNotes(SchemaSnapshot expected, SchemaSnapshot actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        static IEnumerable<(string Name, IEnumerable<ColumnInfo> Columns)> Relations(SchemaSnapshot s) =>
            s.Tables.Select(t => (t.QualifiedName, (IEnumerable<ColumnInfo>)t.Columns))
                .Concat(s.Views.Select(v => (v.QualifiedName, (IEnumerable<ColumnInfo>)v.Columns)));

        var after = Relations(actual).GroupBy(r => r.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Columns, StringComparer.Ordinal);
        var notes = new List<string>();
        foreach (var (name, columns) in Relations(expected))
        {
            if (!after.TryGetValue(name, out var other))
            {
                continue;
            }

            var names = other.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var shared = columns.OrderBy(c => c.Position).Select(c => c.Name).Where(names.Contains).ToList();
            var theirs = other.OrderBy(c => c.Position).Select(c => c.Name).Where(shared.Contains).ToList();
            if (!shared.SequenceEqual(theirs, StringComparer.Ordinal))
            {
                notes.Add($"the columns of {name} come in another order (expected {string.Join(", ", shared)}; actual "
                    + $"{string.Join(", ", theirs)}): column order is not compared, PostgreSQL adds a column at the end");
            }
        }

        return notes;
    }
}
