using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.History;
using Migrations.Runner.Schema;
using Migrations.Runner.Services;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Runner.Verification;

/// <summary>
/// A scratch database for the round trip, migrated to a starting version, with one migration session that runs one
/// migration at a time through the <see cref="Pipeline"/>, and the schema's <see cref="SchemaFingerprint"/>. Its
/// commits need not wait for the disk (synchronous_commit off): the database is dropped at the end whatever happens.
/// </summary>
internal sealed class Workbench : IAsyncDisposable
{
    private readonly MigrationSet _migrations;
    private readonly IReadOnlyDictionary<long, string> _checksums;
    private readonly RunOptions _options;
    private readonly ScratchDatabase _scratch;
    private MigrationSession? _session;
    private Pipeline? _pipeline;
    private bool _disposed;

    private Workbench(MigrationSet migrations, IReadOnlyDictionary<long, string> checksums, RunOptions options, ScratchDatabase scratch)
    {
        _migrations = migrations;
        _checksums = checksums;
        _options = options;
        _scratch = scratch;
    }

    public SchemaFingerprint Fingerprint { get; private set; } = null!;

    /// <summary>
    /// Creates the scratch database on <paramref name="server"/>'s server and applies every migration up to
    /// <paramref name="version"/> (none when null); <paramref name="shadow"/> when that server is --shadow-connection's.
    /// </summary>
    public static async Task<Workbench> CreateAsync(
        MigrationSet migrations,
        IReadOnlyDictionary<long, string> checksums,
        RunOptions options,
        string server,
        bool shadow,
        string forDatabase,
        long? version,
        CancellationToken cancellationToken)
    {
        var scratch = await ScratchDatabase.CreateAsync(server, forDatabase, shadow, cancellationToken);
        var bench = new Workbench(migrations, checksums, options, scratch);
        try
        {
            await using (var connection = await Database.OpenAsync(scratch.ConnectionString, pooling: false, cancellationToken))
            {
                await using var command = new NpgsqlCommand(
                    $"ALTER DATABASE \"{scratch.Name}\" SET synchronous_commit = off", connection);
                await command.ExecuteNonQueryAsync(cancellationToken);
                await VersionHistory.EnsureTablesAsync(connection, migrations.VersionTable, cancellationToken);
            }

            if (version is { } v)
            {
                var quiet = options with { OnStep = _ => { } };
                await new MigrationService(migrations, scratch.ConnectionString, quiet).UpAsync(v, cancellationToken: cancellationToken);
            }

            bench.Fingerprint = await SchemaFingerprint.OpenAsync(scratch.ConnectionString, cancellationToken);
            bench._session = await MigrationSession.OpenAsync(scratch.ConnectionString, options.Session, cancellationToken);
            return bench;
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one migration's Up or Down with its bookkeeping; its failure, or null.</summary>
    public MigrationFailed? Run(MigrationDefinition migration, bool up, CancellationToken cancellationToken)
    {
        var session = _session ?? throw new InvalidOperationException("the workbench has no session");
        _pipeline ??= new Pipeline(
            new NpgsqlChannel(session.Connection),
            _migrations.Catalog,
            _migrations.Assemblies,
            new PipelineObserver(Verbose: _options.Verbose),
            session.ResetSql,
            _scratch.ConnectionString,
            Fingerprint.Trailer);
        try
        {
            _pipeline.Run([migration], up, up ? m => Bookkeeping.Applied(m, _checksums, _migrations.VersionTable)
                : m => Bookkeeping.Reverted(m, _migrations.VersionTable), cancellationToken);
            return null;
        }
        catch (RunnerErrorException e) when (e.Error is MigrationFailed failed)
        {
            Fingerprint.Discard();
            _pipeline = null;
            return failed;
        }
    }

    /// <summary>The full snapshot of the scratch database as it is now.</summary>
    public async Task<SchemaSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenForCatalogAsync(_scratch.ConnectionString, cancellationToken);
        return await SchemaReader.ReadAsync(connection, cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        if (Fingerprint is not null)
        {
            await Fingerprint.DisposeAsync();
        }

        await _scratch.DisposeAsync();
    }
}
