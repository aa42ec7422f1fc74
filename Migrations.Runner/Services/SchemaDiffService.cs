using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Schema;
using Migrations.Runner.Schema.Generation;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>Where a schema to compare comes from.</summary>
public abstract record SchemaSource;

/// <summary>A live database: the runner's own connection when <paramref name="Own"/>, else one given as the source.</summary>
public sealed record DatabaseSource(string ConnectionString, bool Own = false) : SchemaSource;

/// <summary>A snapshot written by <c>schema --output</c>.</summary>
public sealed record SnapshotFileSource(string Path) : SchemaSource;

/// <summary>The migrations up to <c>Version</c> (all when null), replayed on a scratch database.</summary>
public sealed record MigrationsSource(long? Version) : SchemaSource;

/// <summary>What <c>diff</c> found: the script from one schema to the other.</summary>
public sealed record SchemaDiff(SchemaSnapshot From, SchemaSnapshot To, SchemaScript Script, IReadOnlyList<string> Notes);

/// <summary>The live database's drift as a script: <c>Up</c> makes the migrations' schema the live one, <c>Down</c> undoes it.</summary>
public sealed record DriftScripts(
    IReadOnlyList<long> Replayed, SchemaScript Up, SchemaScript Down, IReadOnlyList<SchemaDifference> Differences);

/// <summary>
/// Schemas from any source, and the SQL between them (<see cref="SchemaScriptGenerator"/>): diff, drift's written
/// migration, and the generated rollback of a migration that has none.
/// </summary>
public sealed class SchemaDiffService(MigrationSet migrations, string serverConnectionString, RunOptions? options = null)
{
    private readonly RunOptions _options = options ?? new RunOptions();

    public async Task<SchemaDiff> DiffAsync(SchemaSource from, SchemaSource to, CancellationToken cancellationToken = default)
    {
        var before = await ReadSideAsync(from, DiffSide.From, cancellationToken);
        var after = await ReadSideAsync(to, DiffSide.To, cancellationToken);
        return new SchemaDiff(before, after, SchemaScriptGenerator.Generate(before, after), SchemaComparer.Notes(before, after));
    }

    // A database given as a source that cannot be reached is that source's problem, not the runner's connection's.
    private async Task<SchemaSnapshot> ReadSideAsync(SchemaSource source, DiffSide side, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(source, cancellationToken);
        }
        catch (RunnerErrorException e)
            when (source is DatabaseSource { Own: false } && e.Error is ConnectionFailed { Shadow: false } failed)
        {
            throw new RunnerErrorException(failed with { Side = side }, e.InnerException);
        }
    }

    public async Task<SchemaSnapshot> ReadAsync(SchemaSource source, CancellationToken cancellationToken = default)
    {
        switch (source)
        {
            case DatabaseSource database:
                await using (var connection = await Database.OpenForCatalogAsync(database.ConnectionString, cancellationToken))
                {
                    return await SchemaReader.ReadAsync(connection, cancellationToken: cancellationToken);
                }

            case SnapshotFileSource file:
                try
                {
                    return SchemaSnapshot.FromJson(await File.ReadAllTextAsync(file.Path, cancellationToken));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    throw new RunnerErrorException(new SourceSnapshotUnreadable(file.Path, e.Message), e);
                }

            case MigrationsSource replay:
                var versions = migrations.Entries.Select(m => m.Version).Where(v => v <= (replay.Version ?? long.MaxValue)).ToHashSet();
                return await ReplayAsync(versions, cancellationToken);
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, "unknown schema source");
        }
    }

    /// <summary>
    /// The live database (<c>serverConnectionString</c>) against its applied migrations replayed on a scratch database
    /// (on <paramref name="shadowServer"/> when given), as drift compares them, and the scripts between the two.
    /// </summary>
    public async Task<DriftScripts> DriftScriptsAsync(string? shadowServer, CancellationToken cancellationToken = default)
    {
        var (_, replay, expected) = await Truth.ReplayAppliedAsync(shadowServer, cancellationToken);
        var actual = await ReadAsync(new DatabaseSource(serverConnectionString), cancellationToken);
        return new DriftScripts(
            [.. replay.Order()],
            SchemaScriptGenerator.Generate(expected, actual),
            SchemaScriptGenerator.Generate(actual, expected),
            SchemaComparer.Compare(expected, actual));
    }

    /// <summary>
    /// The rollback of migration <paramref name="version"/> computed from the schema: the script from the schema after
    /// its up back to the schema before it, both from the migrations replayed on a scratch database.
    /// </summary>
    /// <exception cref="RunnerErrorException">The version is not in the assembly.</exception>
    public async Task<SchemaScript> GenerateRollbackAsync(long version, CancellationToken cancellationToken = default)
    {
        var versions = migrations.Entries.Select(m => m.Version).ToList();
        if (!versions.Contains(version))
        {
            throw new RunnerErrorException(new UnknownRollbackVersion(version));
        }

        var live = new NpgsqlConnectionStringBuilder(serverConnectionString).Database ?? "migrations";
        await using var scratch = await ScratchDatabase.CreateAsync(serverConnectionString, live, cancellationToken: cancellationToken);
        var service = new MigrationService(migrations, scratch.ConnectionString, _options with { OnStep = _ => { } });
        await service.ApplyVersionsAsync(versions.Where(v => v < version).ToHashSet(), cancellationToken);
        var before = await ReadAsync(new DatabaseSource(scratch.ConnectionString), cancellationToken);
        await service.ApplyVersionsAsync(versions.Where(v => v <= version).ToHashSet(), cancellationToken);
        var after = await ReadAsync(new DatabaseSource(scratch.ConnectionString), cancellationToken);
        return SchemaScriptGenerator.Generate(after, before);
    }

    private SchemaTruthService Truth => new(migrations, serverConnectionString, _options);

    private Task<SchemaSnapshot> ReplayAsync(HashSet<long> versions, CancellationToken cancellationToken) =>
        Truth.ReplayAsync(versions, null, cancellationToken);
}
