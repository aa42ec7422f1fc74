namespace Migrations.Runner.Schema;

/// <summary>What <see cref="SchemaReader"/> leaves out or adds.</summary>
public sealed record SnapshotOptions
{
    /// <summary>
    /// Tables left out of every snapshot, in any schema, with their columns, constraints, indexes, triggers, policies
    /// and owned sequences: the runner's own bookkeeping, which migrations do not describe. Matched case-sensitively.
    /// </summary>
    public IReadOnlyCollection<string> ExcludedTables { get; init; } =
        ["VersionInfo", "VersionInfoChecksums", "VersionInfoChecksumHistory"];

    /// <summary>Owners and grants. Off by default: they depend on the roles of the server, not on the migrations.</summary>
    public bool IncludePrivileges { get; init; }
}
