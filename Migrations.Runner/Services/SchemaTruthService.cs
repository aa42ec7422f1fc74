using Migrations.Runner.Schema;

namespace Migrations.Runner.Services;

/// <summary>What drift found: differences from what the migrations (or a saved snapshot) say the schema is.</summary>
public sealed record DriftReport(string ComparedWith, long? Version, IReadOnlyList<SchemaDifference> Differences, IReadOnlyList<long> UnknownApplied)
{
    public bool HasDrift => Differences.Count > 0 || UnknownApplied.Count > 0;
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
        IReadOnlyList<AppliedMigration> applied;
        await using (var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken))
        {
            applied = await VersionHistory.ReadAsync(connection, cancellationToken);
        }

        var known = new MigrationService(migrations, connectionString).Catalog().Select(m => m.Version).ToHashSet();
        var replay = applied.Select(a => a.Version).Where(known.Contains).ToHashSet();
        var expected = await ReplayAsync(replay, shadowServer, cancellationToken);
        var actual = await SnapshotAsync(cancellationToken);
        return new DriftReport(
            $"migrations {(replay.Count == 0 ? "(none applied)" : DescribeVersions(replay))} replayed on a scratch database",
            applied.Count == 0 ? null : applied.Max(a => a.Version),
            SchemaComparer.Compare(expected, actual),
            [.. applied.Select(a => a.Version).Where(v => !known.Contains(v))]);
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
            throw new RunnerException($"--against {path}: {e.Message}", "pass a file written by 'schema --output'", ExitCodes.Usage);
        }

        return new DriftReport(path, null, SchemaComparer.Compare(expected, await SnapshotAsync(cancellationToken)), []);
    }

    /// <summary>
    /// Records versions 1..<paramref name="version"/> as applied without running them, once the live schema is proven
    /// equal to those migrations replayed on a scratch database (or, with <paramref name="force"/>, despite differences).
    /// </summary>
    /// <exception cref="RunnerException">History exists, the version is unknown, or the schemas differ without force.</exception>
    public async Task<BaselineResult> BaselineAsync(long version, bool force, string? shadowServer, CancellationToken cancellationToken = default)
    {
        var known = migrations.Catalog.Migrations;
        if (!known.ContainsKey(version))
        {
            throw new RunnerException($"{version} is not a known migration version", "pass a version listed by 'status'", ExitCodes.Usage);
        }

        await using var migrationLock = await MigrationLock.AcquireAsync(connectionString, _options.LockTimeout, _options.OnLockWait, cancellationToken);
        var existing = await VersionHistory.ReadAsync(migrationLock.Connection, cancellationToken);
        if (existing.Count > 0)
        {
            throw new RunnerException(
                $"refusing to baseline: VersionInfo already records {existing.Count} applied migration{(existing.Count == 1 ? "" : "s")} (newest {existing.Max(a => a.Version)})",
                "baseline is for databases that were never migrated; use 'status' and 'up' here");
        }

        var toRecord = known.Values.Where(m => m.Version <= version).ToList();
        var expected = await ReplayAsync(toRecord.Select(m => m.Version).ToHashSet(), shadowServer, cancellationToken);
        var differences = SchemaComparer.Compare(expected, await SchemaReader.ReadAsync(migrationLock.Connection, cancellationToken: cancellationToken));
        if (differences.Count > 0 && !force)
        {
            throw new RunnerException(
                $"refusing to baseline: the schema differs from migrations 1..{version} in {differences.Count} way{(differences.Count == 1 ? "" : "s")}",
                "bring the database in line (or pick the version it really matches); --force records the versions anyway",
                ExitCodes.Failure)
            {
                Details = [.. differences.Select(d => d.Describe())],
            };
        }

        var checksums = MigrationChecksums.Compute(migrations);
        await VersionHistory.EnsureTablesAsync(migrationLock.Connection, cancellationToken);
        await using (var transaction = await migrationLock.Connection.BeginTransactionAsync(cancellationToken))
        {
            var processor = SqlProcessor.Executing(migrationLock.Connection, _options.Verbose);
            processor.Transaction = transaction;
            foreach (var migration in toRecord)
            {
                Bookkeeping.Applied(migration, checksums, recordedBy: "baseline").Write(processor);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return new BaselineResult(version, [.. toRecord.Select(m => m.Entry)], differences);
    }

    private async Task<SchemaSnapshot> ReplayAsync(HashSet<long> versions, string? shadowServer, CancellationToken cancellationToken)
    {
        var live = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database ?? "migrations";
        await using var scratch = await ScratchDatabase.CreateAsync(shadowServer ?? connectionString, live, cancellationToken);
        if (versions.Count > 0)
        {
            await new MigrationService(migrations, scratch.ConnectionString, _options with { OnStep = _ => { } }).ApplyVersionsAsync(versions, cancellationToken);
        }

        await using var connection = await Database.OpenForCatalogAsync(scratch.ConnectionString, cancellationToken);
        return await SchemaReader.ReadAsync(connection, cancellationToken: cancellationToken);
    }

    private static string DescribeVersions(HashSet<long> versions)
    {
        var ordered = versions.Order().ToList();
        return ordered.Count == ordered[^1] - ordered[0] + 1 ? $"{ordered[0]}..{ordered[^1]}" : string.Join(", ", ordered);
    }
}
