namespace Migrations.Runner.Errors;

/// <summary>A diff source that is none of the forms diff reads (connection string, snapshot file, migrations).</summary>
public sealed record UnknownSchemaSource(string Option, string Text) : RunnerError;

/// <summary>A migrations source names a version the assembly does not have.</summary>
public sealed record UnknownSourceVersion(string Option, long Version, long Latest) : RunnerError;

/// <summary>A rollback was asked for a version the assembly does not have.</summary>
public sealed record UnknownRollbackVersion(long Version) : RunnerError;

/// <summary>A snapshot file given as a diff source cannot be read.</summary>
public sealed record SourceSnapshotUnreadable(string Path, string Reason) : RunnerError;
