using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Schema;
using Migrations.Runner.Session;

namespace Migrations.Runner.Services;

/// <summary>What drift found: differences from what the migrations (or a saved snapshot) say the schema is.</summary>
/// <param name="SnapshotFile">The snapshot compared with; null when migrations were replayed.</param>
/// <param name="Replayed">The applied versions replayed on the scratch database (empty for a snapshot file).</param>
/// <param name="Version">The newest applied version; null for a snapshot file or an empty history.</param>
/// <param name="Differences">What differs, object by object.</param>
/// <param name="UnknownApplied">Applied versions the assembly does not know (not replayed).</param>
public sealed record DriftReport(
    string? SnapshotFile,
    IReadOnlyList<long> Replayed,
    long? Version,
    IReadOnlyList<SchemaDifference> Differences,
    IReadOnlyList<long> UnknownApplied)
{
    public bool HasDrift => Differences.Count > 0 || UnknownApplied.Count > 0;

    /// <summary>What the comparison could not tell, when the two sides come from different major versions of PostgreSQL.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

public sealed record BaselineResult(long Version, IReadOnlyList<MigrationEntry> Recorded, IReadOnlyList<SchemaDifference> Overridden);

/// <summary>
/// Drift and baseline: the live schema compared with migrations replayed on a scratch database (as Prisma's shadow
/// database does), with the same <see cref="SchemaSnapshot"/> the rollback tests use. Read-only on the live database,
/// except that baseline records versions once the proof holds.
/// </summary>
public sealed class SchemaTruthService(MigrationSet migrations, string connectionString, RunOptions? options = null)
{
    private readonly RunOptions _options = options ?? new RunOptions();

    /// <summary>Snapshot of the live database.</summary>
    public async Task<SchemaSnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken);
        return await SchemaReader.ReadAsync(connection, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Compares the live database with its own applied migrations replayed on a scratch database, created on
    /// <c>shadowServer</c> (the live database's server when null) and always dropped.
    /// </summary>
    public async Task<DriftReport> DriftAsync(string? shadowServer, CancellationToken cancellationToken = default)
    {
        var (applied, replay, expected) = await ReplayAppliedAsync(shadowServer, cancellationToken);
        var known = migrations.Entries.Select(m => m.Version).ToHashSet();
        var actual = await SnapshotAsync(cancellationToken);
        return new DriftReport(
            null,
            [.. replay.Order()],
            applied.Count == 0 ? null : applied.Max(a => a.Version),
            SchemaComparer.Compare(expected, actual),
            [.. applied.Select(a => a.Version).Where(v => !known.Contains(v))]) { Notes = SchemaComparer.Notes(expected, actual) };
    }

    /// <summary>Compares the live database with a snapshot saved by <c>schema --output</c>.</summary>
    public async Task<DriftReport> DriftAgainstFileAsync(string path, CancellationToken cancellationToken = default)
    {
        SchemaSnapshot expected;
        try
        {
            expected = SchemaSnapshot.FromJson(await File.ReadAllTextAsync(path, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new RunnerErrorException(new SnapshotUnreadable(path, e.Message), e);
        }

        var actual = await SnapshotAsync(cancellationToken);
        return new DriftReport(path, [], null, SchemaComparer.Compare(expected, actual), [])
        {
            Notes = SchemaComparer.Notes(expected, actual),
        };
    }

    /// <summary>
    /// Records versions 1..<paramref name="version"/> as applied without running them, once the live schema is proven
    /// equal to those migrations replayed on a scratch database (or, with <paramref name="force"/>, despite differences).
    /// </summary>
    /// <exception cref="RunnerErrorException">History exists, the version is unknown, or the schemas differ without force.</exception>
    public async Task<BaselineResult> BaselineAsync(
        long version, bool force, string? shadowServer, CancellationToken cancellationToken = default)
    {
        migrations.Catalog.RequireTarget(version, zeroAllowed: false);
        var versions = migrations.Catalog.Migrations.Values.Where(m => m.Version <= version).Select(m => m.Version).ToList();
        return await BaselineVersionsAsync(versions, force, shadowServer, [], cancellationToken);
    }

    /// <summary>
    /// Records <paramref name="versions"/> as applied without running them, once the live schema (less
    /// <paramref name="alsoExcluded"/>, another tool's history table) is proven equal to them replayed on a scratch database.
    /// </summary>
    /// <exception cref="RunnerErrorException">History exists, or the schemas differ without force.</exception>
    public async Task<BaselineResult> BaselineVersionsAsync(
        IReadOnlyCollection<long> versions,
        bool force,
        string? shadowServer,
        IReadOnlyCollection<string> alsoExcluded,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(alsoExcluded);
        var version = versions.DefaultIfEmpty(0).Max();
        var known = migrations.Catalog.Migrations;
        await using var session = await MigrationSession.OpenAsync(connectionString, _options.Session, cancellationToken);
        var existing = await VersionHistory.ReadAsync(session.Connection, migrations.VersionTable, cancellationToken);
        if (existing.Count > 0)
        {
            throw new RunnerErrorException(new HistoryExists(existing.Count, existing.Max(a => a.Version)));
        }

        var toRecord = known.Values.Where(m => versions.Contains(m.Version)).ToList();
        var expected = await ReplayAsync(toRecord.Select(m => m.Version).ToHashSet(), shadowServer, cancellationToken);
        var live = new SnapshotOptions { ExcludedTables = [.. SnapshotOptions.BookkeepingTables, .. alsoExcluded] };
        var differences = SchemaComparer.Compare(
            expected, await SchemaReader.ReadAsync(session.Connection, live, cancellationToken));
        if (differences.Count > 0 && !force)
        {
            throw new RunnerErrorException(new BaselineSchemaDiffers(version, differences));
        }

        var checksums = MigrationChecksums.Compute(migrations);
        await VersionHistory.EnsureTablesAsync(session.Connection, migrations.VersionTable, cancellationToken);
        var channel = new NpgsqlChannel(session.Connection);
        var processor = SqlProcessor.Executing(channel, _options.Verbose);
        channel.Begin();
        try
        {
            foreach (var migration in toRecord)
            {
                Bookkeeping.Applied(migration, checksums, migrations.VersionTable, recordedBy: "baseline").Write(processor);
            }

            channel.Execute("COMMIT");
            channel.EndTransaction();
        }
        catch
        {
            channel.RollBackQuietly();
            throw;
        }

        return new BaselineResult(version, [.. toRecord.Select(m => m.Entry)], differences);
    }

    /// <summary>
    /// The live database's applied migrations (those the set knows) replayed on a scratch database created on
    /// <paramref name="shadowServer"/> (the live database's server when null) and always dropped.
    /// </summary>
    internal async Task<(IReadOnlyList<AppliedMigration> Applied, HashSet<long> Replayed, SchemaSnapshot Expected)> ReplayAppliedAsync(
        string? shadowServer, CancellationToken cancellationToken)
    {
        IReadOnlyList<AppliedMigration> applied;
        await using (var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken))
        {
            applied = await VersionHistory.ReadAsync(connection, migrations.VersionTable, cancellationToken);
        }

        var known = migrations.Entries.Select(m => m.Version).ToHashSet();
        var replay = applied.Select(a => a.Version).Where(known.Contains).ToHashSet();
        return (applied, replay, await ReplayAsync(replay, shadowServer, cancellationToken));
    }

    // A failed connection here is to the shadow server when one was given: the operator must fix that one, not the live one.
    internal async Task<SchemaSnapshot> ReplayAsync(HashSet<long> versions, string? shadowServer, CancellationToken cancellationToken)
    {
        try
        {
            return await ReplayOnAsync(versions, shadowServer, cancellationToken);
        }
        catch (RunnerErrorException e) when (shadowServer is not null && e.Error is ConnectionFailed failed)
        {
            throw new RunnerErrorException(failed with { Shadow = true }, e.InnerException);
        }
    }

    private async Task<SchemaSnapshot> ReplayOnAsync(HashSet<long> versions, string? shadowServer, CancellationToken cancellationToken)
    {
        var live = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database ?? "migrations";
        await using var scratch = await ScratchDatabase.CreateAsync(
            shadowServer ?? connectionString, live, shadowServer is not null, cancellationToken);
        if (versions.Count > 0)
        {
            var quiet = _options with { OnStep = _ => { } };
            await new MigrationService(migrations, scratch.ConnectionString, quiet).ApplyVersionsAsync(versions, cancellationToken);
        }

        await using var connection = await Database.OpenForCatalogAsync(scratch.ConnectionString, cancellationToken);
        return await SchemaReader.ReadAsync(connection, cancellationToken: cancellationToken);
    }
}
