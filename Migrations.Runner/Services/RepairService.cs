using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Session;

namespace Migrations.Runner.Services;

/// <summary>
/// One version passed to repair: its checksum as recorded (empty when none was recorded yet) and as its code generates it now.
/// </summary>
public sealed record RepairOutcome(long Version, string Name, string Recorded, string Current)
{
    /// <summary>The SQL is what ran: there was nothing to accept, and nothing was written.</summary>
    public bool Unchanged => Recorded == Current;
}

/// <summary>
/// Records the current checksum of applied migrations whose SQL was edited since they ran (Flyway's repair), keeping
/// every checksum it replaces in <see cref="ChecksumStore.HistoryTable"/>.
/// </summary>
public sealed class RepairService(MigrationSet migrations, string connectionString, RunOptions? options = null)
{
    private readonly RunOptions _options = options ?? new RunOptions();

    /// <summary>
    /// Each version in order, accepted unless its SQL is unchanged; every acceptance in one transaction. Versions
    /// whose SQL is unchanged are reported, not refused: running the same repair twice is harmless, and says so.
    /// </summary>
    /// <exception cref="RunnerErrorException">
    /// A version is not applied, not known, or has no checksum (<see cref="VersionsNotAcceptable"/>); nothing is written.
    /// </exception>
    public async Task<IReadOnlyList<RepairOutcome>> AcceptAsync(
        IReadOnlyCollection<long> versions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var catalog = migrations.Catalog.Migrations;
        var current = MigrationChecksums.Compute(migrations);
        await using var session = await MigrationSession.OpenAsync(connectionString, _options.Session, cancellationToken);
        var applied = (await VersionHistory.ReadAsync(session.Connection, migrations.VersionTable, cancellationToken))
            .Select(a => a.Version).ToHashSet();
        // A migration that asks the database about its schema has no checksum to accept.
        var notAccepted = versions.Where(v => !applied.Contains(v) || !catalog.ContainsKey(v) || !current.ContainsKey(v))
            .Distinct().Order().ToList();
        if (notAccepted.Count > 0)
        {
            throw new RunnerErrorException(new VersionsNotAcceptable(notAccepted));
        }

        await VersionHistory.EnsureTablesAsync(session.Connection, migrations.VersionTable, cancellationToken);
        var stored = await ChecksumStore.ReadAsync(session.Connection, cancellationToken);
        var outcomes = versions.Distinct().Order()
            .Select(v => new RepairOutcome(v, catalog[v].Name, stored.TryGetValue(v, out var s) ? s.Checksum : "", current[v]))
            .ToList();
        // The database records its own role; who ran the runner only the client's operating system knows.
        var clientUser = Environment.UserName is { Length: > 0 } name ? name : null;
        var acceptances = outcomes.Where(o => !o.Unchanged)
            .Select(o => new ChecksumAcceptance(o.Version, o.Recorded.Length == 0 ? null : o.Recorded, o.Current, clientUser))
            .ToList();
        if (acceptances.Count > 0)
        {
            await ChecksumStore.AcceptAsync(session.Connection, acceptances, cancellationToken);
        }

        return outcomes;
    }
}
