namespace Migrations.Runner.Schema;

public enum ChangeKind
{
    /// <summary>In the actual database, not in the expected schema.</summary>
    Added,
    /// <summary>In the expected schema, missing from the actual database.</summary>
    Removed,
    Changed,
}

/// <summary>One property of an object that differs, e.g. a column's type.</summary>
/// <remarks>
/// <para><c>Expected</c>: The value in the expected schema; null for "none" (no default, no comment).</para>
/// <para><c>Actual</c>: The value in the actual database; null for "none".</para>
/// </remarks>
public sealed record PropertyChange(string Property, string? Expected, string? Actual)
{
    private const int MaxLineLength = 120;

    /// <summary>
    /// "type character varying(255) -> text"; for multi-line values (function bodies, views) only the first line that differs.
    /// </summary>
    public string Describe()
    {
        var expected = Expected ?? "none";
        var actual = Actual ?? "none";
        if (!expected.Contains('\n', StringComparison.Ordinal) && !actual.Contains('\n', StringComparison.Ordinal))
        {
            return $"{Property} {expected} -> {actual}";
        }

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = 0;
        while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
        {
            line++;
        }

        return $"{Property} line {line + 1}: {LineAt(expectedLines, line)} -> {LineAt(actualLines, line)}";
    }

    private static string LineAt(string[] lines, int index)
    {
        if (index >= lines.Length)
        {
            return "(end)";
        }

        var line = lines[index].Trim();
        if (line.Length == 0)
        {
            return "(empty line)";
        }

        return line.Length <= MaxLineLength ? line : line[..MaxLineLength] + "...";
    }
}

/// <summary>One difference between two snapshots, object by object.</summary>
/// <remarks>
/// <para><c>ObjectType</c>: "table", "column", "constraint", "index", "view", "materialized view", "function", "procedure",
/// "trigger", "policy", "sequence", "enum", "domain", "composite type", "schema", "extension", "collation", "aggregate",
/// "text search configuration" (dictionary, parser, template), "rule", "statistics", "publication" or "default privileges".</para>
/// <para><c>Name</c>: Schema-qualified: "public.users", "public.users.email" for a column, constraint, trigger or policy,
/// "public.add(integer, integer)" for a function, the bare name for a schema or an extension.</para>
/// <para><c>Expected</c>: The object's properties in the expected schema, one "property: value" per line; null when added.</para>
/// <para><c>Actual</c>: The object's properties in the actual database; null when removed.</para>
/// </remarks>
public sealed record SchemaDifference(ChangeKind Change, string ObjectType, string Name, string? Expected, string? Actual)
{
    /// <summary>The properties that differ, for <see cref="ChangeKind.Changed"/>.</summary>
    public ValueList<PropertyChange> Changes { get; init; } = [];

    /// <summary>
    /// One line a DBA reads at a glance:
    /// "column public.users.email: changed: type character varying(255) -> text; default none -> ''::text".
    /// </summary>
    public string Describe() => Change switch
    {
        ChangeKind.Added => $"{ObjectType} {Name}: added",
        ChangeKind.Removed => $"{ObjectType} {Name}: removed",
        _ when Changes.Count == 0 => $"{ObjectType} {Name}: changed",
        _ => $"{ObjectType} {Name}: changed: {string.Join("; ", Changes.Select(c => c.Describe()))}",
    };

    public override string ToString() => Describe();
}
