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
    private readonly Queue<Recorded> _recorded = new();
    private Pipeline? _pipeline;
    private CancellationToken? _recording;
    private List<(MigrationDefinition Migration, bool Up)> _steps = [];
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
            await using (var connection = await Database.OpenForCatalogAsync(scratch.ConnectionString, cancellationToken))
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

    /// <summary>Whether the database ran steps not taken yet (<see cref="RunAhead"/>), and is past their schemas.</summary>
    public bool Ahead => _recorded.Count > 0;

    /// <summary>
    /// Runs the round trip of each migration (up, down, up again) as pipelined steps, recording each step's outcome for
    /// <see cref="Run"/> to hand out in the same order: the checks then cost what the steps cost on the server, while
    /// the next batch is built. A failure ends the steps, so the database is then exactly where the recorded ones leave it.
    /// </summary>
    public void RunAhead(IReadOnlyList<MigrationDefinition> migrations, CancellationToken cancellationToken)
    {
        if (Ahead)
        {
            throw new InvalidOperationException("the workbench still has steps run ahead that were not taken");
        }

        _recording = cancellationToken;
        _steps = [.. migrations.SelectMany(m => new[] { (m, true), (m, false), (m, true) })];
        try
        {
            Pipeline().RunSteps(_steps, Bookkeep, cancellationToken);
        }
        catch (RunnerErrorException e) when (e.Error is MigrationFailed failed)
        {
            _pipeline = null;
            _recorded.Enqueue(new Recorded(failed.Migration.Version, failed.Up, null, failed));
        }
        finally
        {
            _recording = null;
            _steps = [];
            Fingerprint.Discard();
        }
    }

    /// <summary>Runs one migration's Up or Down with its bookkeeping (or hands out its recorded outcome); its failure, or null.</summary>
    public MigrationFailed? Run(MigrationDefinition migration, bool up, CancellationToken cancellationToken)
    {
        if (_recorded.TryPeek(out var recorded))
        {
            if (recorded.Version == migration.Version && recorded.Up == up)
            {
                _recorded.Dequeue();
                if (recorded.Rows is { } rows)
                {
                    Fingerprint.Restore(rows);
                }

                return recorded.Failure;
            }

            // A step whose C# threw as it was built ends the run before the steps queued ahead of it are sent: the
            // database is where the steps taken so far left it, and the rest goes step by step from there.
            if (recorded.Failure is null || _recorded.Count > 1)
            {
                throw new InvalidOperationException($"the step recorded next is of {recorded.Version}, not {migration.Version}");
            }

            _recorded.Clear();
        }

        try
        {
            Pipeline().Run([migration], up, m => Bookkeep(m, up), cancellationToken);
            return null;
        }
        catch (RunnerErrorException e) when (e.Error is MigrationFailed failed)
        {
            Fingerprint.Discard();
            _pipeline = null;
            return failed;
        }
    }

    private Pipeline Pipeline()
    {
        var session = _session ?? throw new InvalidOperationException("the workbench has no session");
        return _pipeline ??= new Pipeline(
            new NpgsqlChannel(session.Connection),
            _migrations.Catalog,
            _migrations.Assemblies,
            new PipelineObserver(Verbose: _options.Verbose, OnStep: Landed),
            session.ResetSql,
            _scratch.ConnectionString,
            Fingerprint.Trailer);
    }

    private Bookkeeping Bookkeep(MigrationDefinition migration, bool up) => up
        ? Bookkeeping.Applied(migration, _checksums, _migrations.VersionTable)
        : Bookkeeping.Reverted(migration, _migrations.VersionTable);

    // A step that ran outside the batches (without a transaction, or with C# on the connection) sent no trailer; the
    // pipeline waits for each such step to land before it goes on, so the fingerprint's session can still take its notes.
    // A run ahead starts with nothing recorded, so what is recorded counts the steps landed before this one.
    private void Landed(MigrationStep step)
    {
        if (_recording is { } cancellationToken)
        {
            var rows = Fingerprint.TakeTrailerRows() ?? Fingerprint.TakeTouched(cancellationToken);
            _recorded.Enqueue(new Recorded(step.Migration.Version, _steps[_recorded.Count].Up, rows, null));
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

    // One step run ahead: its migration, the trailer's rows when it landed, its failure when it did not.
    private sealed record Recorded(long Version, bool Up, List<SchemaFingerprint.Row>? Rows, MigrationFailed? Failure);
}
