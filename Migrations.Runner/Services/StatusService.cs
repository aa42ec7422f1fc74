using Migrations.Runner.Catalog;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Planning;
using Migrations.Runner.Session;

namespace Migrations.Runner.Services;

public enum MigrationState
{
    Applied,
    Pending,
}

public sealed record MigrationStatusRow(
    long Version, string Name, string Description, bool Transactional, MigrationState State, DateTime? AppliedOnUtc);

/// <summary>What <c>status</c> reports: every known migration, plus applied versions the assembly does not know.</summary>
public sealed record StatusReport(
    long? Current,
    long Latest,
    IReadOnlyList<MigrationStatusRow> Migrations,
    IReadOnlyList<AppliedMigration> UnknownApplied,
    IReadOnlyList<ChecksumMismatch> ChangedSinceApplied,
    bool VersionTableExists)
{
    public int PendingCount => Migrations.Count(m => m.State == MigrationState.Pending);

    public int AppliedCount => Migrations.Count(m => m.State == MigrationState.Applied);

    /// <summary>What <c>status --check</c> fails on, counted.</summary>
    public StatusCheck Check => new(PendingCount, ChangedSinceApplied.Count, UnknownApplied.Count);
}

/// <summary>
/// Pending migrations, applied migrations whose SQL changed since they ran, and applied versions the assembly does not
/// know: each means the database is not what this build's migrations say it should be.
/// </summary>
public sealed record StatusCheck(int Pending, int Changed, int Unknown)
{
    public bool Passed => Pending == 0 && Changed == 0 && Unknown == 0;
}

/// <summary>Applied and pending migrations, read without the lock. Read-only: does not create VersionInfo.</summary>
/// <param name="migrations">
/// The set, loaded when first asked for: the connection opens while the calling thread loads and scans it.
/// </param>
/// <param name="connectionString">The database whose bookkeeping is read.</param>
public sealed class StatusService(Lazy<MigrationSet> migrations, string connectionString)
{
    public StatusService(MigrationSet migrations, string connectionString)
        : this(new Lazy<MigrationSet>(() => migrations), connectionString)
    {
    }

    public async Task<StatusReport> ReadAsync(CancellationToken cancellationToken = default)
    {
        var (facts, checksums) = await RunState.WhileConnectingAsync(
            async () =>
            {
                await using var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken);
                return await RunState.ReadAsync(
                    connection, () => migrations.Value.VersionTable, withInvalidIndexes: false, cancellationToken);
            },
            () => MigrationChecksums.ComputeAll(migrations.Value));
        var catalog = migrations.Value.Catalog;
        return Build(catalog.Entries, facts.Applied, UpPlanner.Changed(catalog, checksums, facts), facts.TableExists, catalog.Excluded);
    }

    internal static StatusReport Build(
        IReadOnlyList<MigrationEntry> catalog,
        IReadOnlyList<AppliedMigration> applied,
        IReadOnlyList<ChecksumMismatch> changed,
        bool tableExists,
        IReadOnlySet<long>? excluded = null)
    {
        var appliedByVersion = applied.ToDictionary(a => a.Version);
        var rows = catalog
            .Select(m => appliedByVersion.TryGetValue(m.Version, out var a)
                ? new MigrationStatusRow(m.Version, m.Name, m.Description, m.Transactional, MigrationState.Applied, a.AppliedOnUtc)
                : new MigrationStatusRow(m.Version, m.Name, m.Description, m.Transactional, MigrationState.Pending, null))
            .ToList();
        // A version the selection leaves out (another tag or namespace) is the assembly's own, not unknown.
        var known = catalog.Select(m => m.Version).Concat(excluded ?? new HashSet<long>()).ToHashSet();
        return new StatusReport(
            applied.Count == 0 ? null : applied.Max(a => a.Version),
            catalog.Count == 0 ? 0 : catalog.Max(m => m.Version),
            rows,
            [.. applied.Where(a => !known.Contains(a.Version))],
            changed,
            tableExists);
    }
}
