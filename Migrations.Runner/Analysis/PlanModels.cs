using Migrations.Runner.Catalog;

namespace Migrations.Runner.Analysis;

/// <summary>What a finding is about: measured on the scratch database, or read from the SQL the runner will send.</summary>
public enum FindingKind
{
    // Measured: what the server did.

    /// <summary>The table's file was replaced (<c>pg_class.relfilenode</c> changed): every row was rewritten.</summary>
    Rewrite,

    /// <summary>A column's type changed; with or without a rewrite, which <see cref="Rewrite"/> tells.</summary>
    TypeChange,

    /// <summary>An index was built on an existing table without CONCURRENTLY: the whole build holds its lock.</summary>
    IndexBuilt,

    /// <summary>A CHECK constraint was added (or validated under a lock that blocks writes): every row is scanned.</summary>
    CheckValidated,

    /// <summary>A foreign key was added validated: the table is scanned, both tables locked.</summary>
    ForeignKeyValidated,

    /// <summary>NOT NULL was set on an existing column, which no valid CHECK proves: every row is scanned.</summary>
    NotNullSet,

    /// <summary>An enum type's values changed.</summary>
    EnumChanged,

    /// <summary>An index was dropped without CONCURRENTLY: ACCESS EXCLUSIVE on its table.</summary>
    IndexDropped,

    // Read from the SQL.

    /// <summary>No lock_timeout in force while it takes a lock that blocks reads or writes on a table with rows.</summary>
    NoLockTimeout,

    VacuumFull,

    Cluster,

    /// <summary>REINDEX without CONCURRENTLY.</summary>
    Reindex,

    DropTable,

    DropColumn,

    Truncate,
}

/// <summary>What other sessions cannot do while the lock is held.</summary>
public enum Blocks
{
    Nothing,
    Writes,
    ReadsAndWrites,
}

/// <summary>What the time the lock is held grows with.</summary>
public enum Scales
{
    /// <summary>A catalog change: as long as the lock takes to be granted.</summary>
    Constant,

    /// <summary>Every row is read (a scan).</summary>
    Rows,

    /// <summary>Every byte is written again (a rewrite, an index build).</summary>
    Bytes,
}

/// <summary>The safer way to do the same, worded in Cli.</summary>
public enum SafeRewrite
{
    None,
    AddNullableThenBackfill,
    NewColumnThenSwap,
    CreateIndexConcurrently,
    NotValidThenValidate,
    CheckNotNullThenSetNotNull,
    DropIndexConcurrently,
    LockTimeoutWithRetries,
    RepackOnline,
    ReindexConcurrently,
    StopUsingFirst,
    DeleteInBatches,
    OwnMigrationAfterDeploy,
}

/// <summary>One relation the migration locked, with the strongest mode it held, and its size on the target.</summary>
/// <param name="Table">Schema-qualified name.</param>
/// <param name="Mode">PostgreSQL's lock mode name, e.g. <c>AccessExclusiveLock</c>.</param>
/// <param name="Blocks">What the mode keeps others from doing.</param>
/// <param name="Size">The relation on the target, null when it does not exist there yet.</param>
public sealed record RelationLock(string Table, string Mode, Blocks Blocks, RelationSize? Size);

/// <summary>A relation's size on the target, from the catalog: no row is read.</summary>
/// <param name="Rows">The planner's estimate (<c>reltuples</c>), else the statistics' live-row count.</param>
/// <param name="Bytes">pg_total_relation_size: table, indexes and TOAST.</param>
public sealed record RelationSize(long Rows, long Bytes);

/// <summary>One thing a migration does that holds a lock while work scales, or that loses data.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Table">The table it concerns, schema-qualified; null when none.</param>
/// <param name="Detail">The column, index, constraint or type it concerns; null when none.</param>
/// <param name="Lock">
/// The strongest lock measured on the table; null when not measured (outside a transaction, or a static finding).
/// </param>
/// <param name="Blocks">What it blocks for the duration.</param>
/// <param name="Scales">What the duration grows with.</param>
/// <param name="Advice">The safer way.</param>
/// <param name="Measured">From the server (true) or from the SQL text (false).</param>
/// <param name="Size">The table on the target; null when it does not exist there (yet) or no table is concerned.</param>
public sealed record PlanFinding(
    FindingKind Kind,
    string? Table,
    string? Detail,
    string? Lock,
    Blocks Blocks,
    Scales Scales,
    SafeRewrite Advice,
    bool Measured,
    RelationSize? Size)
{
    /// <summary>The table is known to be empty on the target, or not there yet: nothing to wait for.</summary>
    public bool OnEmptyTable => Table is not null && (Size is null || Size.Rows == 0);
}

/// <summary>An index a migration built on a table that existed before it.</summary>
/// <param name="Index">Schema-qualified name.</param>
/// <param name="Table">Schema-qualified name.</param>
/// <param name="Concurrently">Built with CONCURRENTLY, outside a transaction: writes went on meanwhile.</param>
public sealed record BuiltIndex(string Index, string Table, bool Concurrently);

/// <summary>One pending migration as measured on the scratch database.</summary>
/// <param name="Migration">The migration.</param>
/// <param name="InTransaction">
/// Measured inside a transaction (locks read before its end); false when it runs without one (declared so, or its SQL
/// holds its own BEGIN/COMMIT), when it ran statement by statement and its locks could not be read.
/// </param>
/// <param name="Statements">The SQL sent, in order.</param>
/// <param name="Locks">The existing relations it locked, strongest mode each.</param>
/// <param name="Findings">What it does that matters, measured and static.</param>
/// <param name="Reviewed">The reason of its <c>[Reviewed]</c> attribute; null when it has none.</param>
public sealed record MigrationPlan(
    MigrationEntry Migration,
    bool InTransaction,
    IReadOnlyList<string> Statements,
    IReadOnlyList<RelationLock> Locks,
    IReadOnlyList<PlanFinding> Findings,
    string? Reviewed)
{
    /// <summary>The indexes it built on existing tables, concurrently or not.</summary>
    public IReadOnlyList<BuiltIndex> Indexes { get; init; } = [];
}

/// <summary>What each pending migration will lock, rewrite and scan on the target, in the order up runs them.</summary>
/// <param name="Database">The target database's name.</param>
/// <param name="Replayed">The applied versions replayed on the scratch database first.</param>
/// <param name="Migrations">The pending migrations.</param>
/// <param name="SessionLockTimeout">The session's lock_timeout the migrations were judged with (zero: none).</param>
public sealed record PlanReport(
    string Database, IReadOnlyList<long> Replayed, IReadOnlyList<MigrationPlan> Migrations, TimeSpan SessionLockTimeout);
