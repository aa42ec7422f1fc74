namespace Migrations.Runner.Schema.Generation;

/// <summary>Options of <see cref="SchemaScriptGenerator.Generate(SchemaSnapshot, SchemaSnapshot, ScriptOptions?)"/>.</summary>
public sealed record ScriptOptions
{
    /// <summary>
    /// Owners and grants are changed only when both snapshots hold them (read with privileges); this turns that off even then.
    /// </summary>
    public bool IgnorePrivileges { get; init; }
}

/// <summary>
/// The SQL that turns one schema into another, from two <see cref="SchemaSnapshot"/>s, in the order PostgreSQL needs:
/// dependents dropped before what they depend on, everything created before its first use, a view over a changed
/// column dropped and created again. Definitions are the server's own (pg_get_indexdef, pg_get_constraintdef,
/// pg_get_functiondef, pg_get_viewdef, pg_get_triggerdef, format_type), as the snapshot stores them.
/// </summary>
/// <remarks>
/// Applied to a database whose schema is <c>from</c>, the script leaves one that <see cref="SchemaComparer"/> finds equal
/// to <c>to</c> (column order aside: PostgreSQL adds a column at the end, and the comparer does not compare the order).
/// </remarks>
public static class SchemaScriptGenerator
{
    /// <summary>The statements that turn <paramref name="from"/> into <paramref name="to"/>; empty when they are equal.</summary>
    public static SchemaScript Generate(SchemaSnapshot from, SchemaSnapshot to) => Generate(from, to, null);

    /// <inheritdoc cref="Generate(SchemaSnapshot, SchemaSnapshot)"/>
    public static SchemaScript Generate(SchemaSnapshot from, SchemaSnapshot to, ScriptOptions? options)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var plan = new ScriptPlan(from, to, options ?? new ScriptOptions());
        plan.Build();
        return plan.Result();
    }
}

/// <summary>Where a statement goes in the script: phases run in this order, statements within one in the order added.</summary>
internal enum Phase
{
    AddLabels,
    DropPolicies,
    DropTriggers,
    DropViews,
    DropForeignKeys,
    DropConstraints,
    DropIndexes,
    DropDefaults,
    DropColumns,
    DropTables,
    DropAggregates,
    DropFunctions,
    DropSequences,
    CreateSchemas,
    CreateExtensions,
    CreateTypes,
    ConvertColumns,
    CreateSequences,
    CreateFunctions,
    // A domain's default and checks may call functions, and a function may take the domain: they come after both.
    DomainRules,
    CreateTextSearch,
    CreateTables,
    AlterTables,
    AlterColumns,
    // Types, extensions and schemas go once no column uses them any more.
    DropTypes,
    DropExtensions,
    DropSchemas,
    OwnSequences,
    LateFunctions,
    CreateAggregates,
    AddConstraints,
    AddIndexes,
    AddForeignKeys,
    CreateViews,
    ViewIndexes,
    CreateTriggers,
    Security,
    Comments,
    Privileges,
}

/// <summary>The work of one generation: what changes, what must be rebuilt because of it, and the statements.</summary>
internal sealed partial class ScriptPlan(SchemaSnapshot from, SchemaSnapshot to, ScriptOptions options)
{
    private readonly List<(Phase Phase, int Order, ScriptStatement Statement)> _statements = [];
    private readonly List<string> _warnings = [];

    private SchemaSnapshot From { get; } = from;

    private SchemaSnapshot To { get; } = to;

    private bool Privileges => !options.IgnorePrivileges
        && From.Schemas.Concat(To.Schemas).Any(s => s.Privileges is not null)
        && From.Schemas.All(s => s.Privileges is not null) && To.Schemas.All(s => s.Privileges is not null);

    public void Build()
    {
        ComputeRebuilds();
        SchemasAndExtensions();
        Types();
        Sequences();
        Functions();
        Tables();
        Constraints();
        Indexes();
        Views();
        Triggers();
        Policies();
        DumpedObjects();
        Comments();
        if (Privileges)
        {
            Grants();
        }
    }

    public SchemaScript Result() => new(
        [.. _statements.OrderBy(s => s.Phase).ThenBy(s => s.Order).Select(s => s.Statement)],
        [.. _warnings.Distinct()]);

    private void Emit(Phase phase, string sql) => Emit(phase, new ScriptStatement(sql));

    private void Emit(Phase phase, ScriptStatement statement) => _statements.Add((phase, _statements.Count, statement));

    /// <summary>A statement that loses data: a comment above it and a warning, never silent.</summary>
    private void Destroy(Phase phase, string sql, string warning)
    {
        _warnings.Add(warning);
        Emit(phase, new ScriptStatement(sql, Destructive: true, Note: "destructive: " + warning));
    }

    private void Warn(string warning) => _warnings.Add(warning);

    /// <summary>Pairs objects of the two sides by key: (from, to), either null when the object is only on the other side.</summary>
    private static IEnumerable<(T? Old, T? New)> Pair<T>(IEnumerable<T> from, IEnumerable<T> to, Func<T, string> key)
        where T : class
    {
        var before = from.ToDictionary(key, StringComparer.Ordinal);
        var after = to.ToDictionary(key, StringComparer.Ordinal);
        foreach (var (name, old) in before)
        {
            yield return (old, after.GetValueOrDefault(name));
        }

        foreach (var (name, current) in after)
        {
            if (!before.ContainsKey(name))
            {
                yield return (null, current);
            }
        }
    }
}
