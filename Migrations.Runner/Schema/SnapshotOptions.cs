namespace Migrations.Runner.Schema;

/// <summary>What <see cref="SchemaReader"/> leaves out or adds.</summary>
public sealed record SnapshotOptions
{
    /// <summary>
    /// Tables left out of every snapshot, in any schema, with their columns, constraints, indexes, triggers, policies
    /// and owned sequences: the runner's own bookkeeping, which migrations do not describe. Matched case-sensitively.
    /// </summary>
    public IReadOnlyCollection<string> ExcludedTables { get; init; } = BookkeepingTables;

    /// <summary>The runner's bookkeeping tables, in the schema of VersionInfo.</summary>
    public static IReadOnlyList<string> BookkeepingTables { get; } =
        [History.VersionHistory.Table, History.ChecksumStore.Table, History.ChecksumStore.HistoryTable];

    /// <summary>Owners and grants. Off by default: they depend on the roles of the server, not on the migrations.</summary>
    public bool IncludePrivileges { get; init; }
}
