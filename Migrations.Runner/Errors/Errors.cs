using FluentMigrator;
using Migrations.Runner.Catalog;
using Migrations.Runner.History;
using Migrations.Runner.Schema;
using Migrations.Runner.Session;

namespace Migrations.Runner.Errors;

// Catalog: the migrations assemblies and their classes.

public enum AssemblyProblem
{
    NotFound,
    NotAnAssembly,
    CannotLoad,
    TypesCannotLoad,
    NoMigrations,
}

public sealed record AssemblyUnusable(string Path, AssemblyProblem Problem, string? Reason = null) : RunnerError;

public sealed record DuplicateVersion(long Version, string First, string Second) : RunnerError;

/// <summary>No migration to run: the assemblies hold none, or <paramref name="Selection"/> left out all of them.</summary>
public sealed record NoMigrations(int LeftOut = 0, MigrationSelection? Selection = null) : RunnerError;

public sealed record NoParameterlessConstructor(string TypeName) : RunnerError;

public sealed record ConstructorFailed(string TypeName, string Reason) : RunnerError;

/// <summary>Building a pending migration's SQL threw before anything ran; <c>NotWritten</c> when it is a scaffold's stub.</summary>
public sealed record MigrationCannotBeBuilt(MigrationEntry Migration, string ExceptionType, string Reason, bool NotWritten) : RunnerError;

// History: VersionInfo and the checksum table.

public sealed record UnexpectedVersionTableShape(string Table, IReadOnlyList<string> Columns) : RunnerError;

// Session: connections and the migration lock.

/// <summary>What a failed connection met, as far as the client can tell.</summary>
public enum ConnectionProblem
{
    /// <summary>Not classified; the reason says what the client saw.</summary>
    Other,

    /// <summary>A PostgreSQL server answered and refused: the SQLSTATE says why.</summary>
    Refused,

    /// <summary>Nothing listens on the port.</summary>
    NothingListening,

    /// <summary>Something accepted the connection but hung up without speaking PostgreSQL's protocol.</summary>
    NotPostgres,

    /// <summary>No answer within the connection timeout.</summary>
    TimedOut,

    /// <summary>The host name does not resolve.</summary>
    UnknownHost,
}

public sealed record ConnectionFailed(
    string Host,
    int Port,
    string Database,
    string User,
    string? SqlState,
    string Reason,
    ConnectionProblem Problem = ConnectionProblem.Other)
    : RunnerError
{
    public bool DatabaseMissing => SqlState == "3D000";

    /// <summary>The server given for scratch databases (drift, baseline), not the database being migrated.</summary>
    public bool Shadow { get; init; }

    /// <summary>A database diff was given as one of its two sources, not the runner's own connection.</summary>
    public DiffSide? Side { get; init; }
}

/// <summary>Which of diff's two schemas a source gives.</summary>
public enum DiffSide
{
    From,
    To,
}

public sealed record LockTimedOut(TimeSpan Timeout, LockHolder? Holder) : RunnerError;

// Planning: guards that refuse a plan before anything runs.

public sealed record UnknownTargetVersion(long Target, long First, long Last, bool HasGaps, bool ZeroAllowed) : RunnerError;

/// <summary>The database holds objects but no VersionInfo: it was built without this runner.</summary>
public sealed record UnrecordedSchema(int Count, IReadOnlyList<string> First) : RunnerError;

public sealed record OutOfOrderPending(IReadOnlyList<MigrationEntry> Migrations, long NewestApplied) : RunnerError;

public sealed record BreakingChangeRefused(MigrationEntry Migration) : RunnerError;

public sealed record InvalidIndexesPresent(IReadOnlyList<string> Indexes) : RunnerError;

public sealed record ChecksumsChanged(IReadOnlyList<ChecksumMismatch> Changed) : RunnerError;

public sealed record TooManySteps(int Steps, int Applied) : RunnerError;

/// <summary><c>up</c> refused: the database records versions the migrations assembly does not have.</summary>
public sealed record UnknownAppliedRefused(IReadOnlyList<AppliedMigration> Versions) : RunnerError;

public sealed record UnknownAppliedVersions(IReadOnlyList<AppliedMigration> Versions, string SetName) : RunnerError;

public sealed record VersionsNotAcceptable(IReadOnlyList<long> Versions) : RunnerError;

public sealed record HistoryExists(int Count, long Newest) : RunnerError;

public sealed record BaselineSchemaDiffers(long Version, IReadOnlyList<SchemaDifference> Differences) : RunnerError;

// Execution: a migration, or maintenance, that failed while running.

/// <summary>What PostgreSQL said, with the statement it named when it named one.</summary>
public sealed record SqlFailure(string SqlState, string MessageText, string? Detail, string? Hint, string? Where, string? Statement);

/// <summary>
/// Where a failing statement's error sits: in which embedded SQL file, or (<see cref="File"/> null) within the
/// statement itself, for SQL written inline.
/// </summary>
public sealed record SqlLocation(string? File, int Line, int Column)
{
    /// <summary>The inline statement the line and column count in; null for a file.</summary>
    public string? Statement { get; init; }
}

/// <summary>How a migration ran, which decides what a failure left behind.</summary>
public enum MigrationMode
{
    /// <summary>In the runner's transaction, with its bookkeeping: a failure leaves nothing.</summary>
    Transaction,

    /// <summary>Declared without a transaction: statements before the failing one stay.</summary>
    NoTransaction,

    /// <summary>Its SQL has its own BEGIN/COMMIT: what it committed stays, what it left open was rolled back.</summary>
    OwnTransactions,

    /// <summary>It ended the runner's transaction in a way no lexer could see (C# against the connection).</summary>
    EndedRunnersTransaction,

    /// <summary>It left a transaction open at its end, which psql's session would have rolled back.</summary>
    LeftTransactionOpen,
}

public sealed record MigrationFailed(
    MigrationEntry Migration, bool Up, int DoneBefore, SqlFailure? Sql, SqlLocation? Location, string Reason,
    MigrationMode Mode = MigrationMode.Transaction)
    : RunnerError;

/// <summary>
/// The run was cancelled: <see cref="InFlight"/> (when one was running) was stopped and rolled back as its mode allows,
/// the <see cref="Landed"/> migrations before it stay.
/// </summary>
public sealed record RunCancelled(MigrationEntry? InFlight, MigrationMode Mode, bool Up, int Landed) : RunnerError;

public sealed record MaintenanceFailed(MigrationStage Stage, string Name, string Reason) : RunnerError;

// Schema truth: drift and baseline.

public sealed record SnapshotUnreadable(string Path, string Reason) : RunnerError;

public sealed record ScratchDatabaseRefused(string Host, int Port, string SqlState, string Message) : RunnerError;
