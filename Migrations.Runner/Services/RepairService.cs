using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Session;

namespace Migrations.Runner.Services;

/// <summary>Records the current checksum of applied migrations whose SQL was edited since they ran (Flyway's repair).</summary>
public sealed class RepairService(MigrationSet migrations, string connectionString, RunOptions? options = null)
{
    private readonly RunOptions _options = options ?? new RunOptions();

    /// <summary>The checksums replaced, from what was recorded to what the code generates now.</summary>
    /// <exception cref="RunnerErrorException">A version is not applied or not known (<see cref="VersionsNotAcceptable"/>).</exception>
    public async Task<IReadOnlyList<ChecksumMismatch>> AcceptAsync(
        IReadOnlyCollection<long> versions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var catalog = migrations.Catalog.Migrations;
        await using var session = await MigrationSession.OpenAsync(connectionString, _options.Session, cancellationToken);
        var applied = (await VersionHistory.ReadAsync(session.Connection, cancellationToken)).Select(a => a.Version).ToHashSet();
        var notAccepted = versions.Where(v => !applied.Contains(v) || !catalog.ContainsKey(v)).Distinct().Order().ToList();
        if (notAccepted.Count > 0)
        {
            throw new RunnerErrorException(new VersionsNotAcceptable(notAccepted));
        }

        var current = MigrationChecksums.Compute(migrations);
        await VersionHistory.EnsureTablesAsync(session.Connection, cancellationToken);
        var stored = await ChecksumStore.ReadAsync(session.Connection, cancellationToken);
        var accepted = new List<ChecksumMismatch>();
        foreach (var version in versions.Distinct().Order())
        {
            await ChecksumStore.RecordAsync(session.Connection, version, current[version], "repair", cancellationToken);
            accepted.Add(new ChecksumMismatch(
                version, catalog[version].Name, stored.TryGetValue(version, out var s) ? s.Checksum : "", current[version]));
        }

        return accepted;
    }
}
