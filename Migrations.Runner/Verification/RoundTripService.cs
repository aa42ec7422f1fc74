using System.Diagnostics;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.Schema;
using Migrations.Runner.Services;
using Npgsql;

namespace Migrations.Runner.Verification;

/// <summary>
/// The rollback round trip, for any migrations assembly: for every version k of a range, Down(k) restores exactly the
/// schema before Up(k), and Up(k) run again after it gives exactly the schema of its first Up. It runs on a scratch
/// database it creates on the server (never on the database named, which it only connects through), one migration
/// session for the whole range, and compares schemas by fingerprint (<see cref="SchemaFingerprint"/>); only where
/// fingerprints differ does it read full snapshots, on a fresh scratch database migrated to the version expected, to
/// say what differs. After a failure it goes on from that fresh copy, so one broken Down hides none after it.
/// </summary>
public sealed class RoundTripService(MigrationSet migrations, string connectionString, RunOptions? options = null)
{
    // How many versions' steps go ahead of their checks at most: what a broken Down, found among them, costs again.
    private const int RunAheadVersions = 32;

    private readonly MigrationSet _migrations = migrations;
    private readonly string _connectionString = connectionString;
    private readonly RunOptions _options = options ?? new RunOptions();

    /// <summary>Checks every version from <paramref name="from"/> to <paramref name="to"/> (both included; all when null).</summary>
    /// <param name="from">The first version to check; the ones before it are applied first, unchecked.</param>
    /// <param name="to">The last version to check.</param>
    /// <param name="shadowServer">Where to create the scratch databases; the server of the connection when null.</param>
    /// <param name="withData">
    /// Seed rows into every table before each Down, and check that the tables its Up did not change keep them.
    /// </param>
    /// <param name="onChecked">Hears each version once its round trip is done.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <exception cref="RunnerErrorException">An unknown version, an empty range, or a scratch database refused.</exception>
    public async Task<RoundTripReport> VerifyAsync(
        long? from = null,
        long? to = null,
        string? shadowServer = null,
        bool withData = false,
        Action<MigrationEntry>? onChecked = null,
        CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        var catalog = _migrations.Catalog;
        foreach (var bound in new[] { from, to })
        {
            if (bound is { } version)
            {
                catalog.RequireTarget(version, zeroAllowed: false);
            }
        }

        var all = catalog.Migrations.Values;
        var range = all.Where(m => m.Version >= (from ?? long.MinValue) && m.Version <= (to ?? long.MaxValue)).ToList();
        if (range.Count == 0)
        {
            throw new RunnerErrorException(new RoundTripRangeEmpty(from, to));
        }

        var run = new Run(
            this,
            MigrationChecksums.Compute(_migrations),
            shadowServer ?? _connectionString,
            shadowServer is not null,
            withData,
            cancellationToken);
        var failures = new List<RoundTripFailure>();
        var checkedVersions = new List<MigrationEntry>();
        var bench = await run.BenchAtAsync(run.Previous(range[0].Version));
        try
        {
            var stepByStepUntil = 0;
            for (var i = 0; i < range.Count; i++)
            {
                var migration = range[i];
                if (i >= stepByStepUntil && !bench.Ahead && bench.Fingerprint.Incremental && !withData)
                {
                    bench.RunAhead([.. range.Skip(i).Take(RunAheadVersions)], cancellationToken);
                }

                var restarts = run.Restarts;
                bench = await CheckAsync(run, bench, migration, failures);
                if (run.Restarts > restarts)
                {
                    // Broken versions come in runs (a history's early downs, often): those just after one go step by
                    // step, where a difference costs no fresh copy more.
                    stepByStepUntil = i + 1 + RunAheadVersions / 4;
                }

                checkedVersions.Add(migration.Entry);
                onChecked?.Invoke(migration.Entry);
                if (failures.Count > 0 && failures[^1].Check == RoundTripCheck.UpFailed)
                {
                    break;
                }
            }
        }
        catch
        {
            // The failure being reported stays the one reported, whatever dropping the scratch databases meets.
            await run.RetireQuietlyAsync(bench);
            throw;
        }

        try
        {
            await bench.DisposeAsync();
        }
        finally
        {
            await run.RetiredAsync();
        }

        var notChecked = range.Skip(checkedVersions.Count).Select(m => m.Entry).ToList();
        return new RoundTripReport(checkedVersions, failures, notChecked, bench.Fingerprint.Incremental, total.Elapsed)
        {
            Unseeded = run.Unseeded,
        };
    }

    // One version's round trip on the bench; adds what failed, returns the bench to go on with (a fresh one after a
    // failure that left the schema other than the one the next version starts from).
    private static async Task<Workbench> CheckAsync(
        Run run, Workbench bench, MigrationDefinition migration, List<RoundTripFailure> failures)
    {
        var ct = run.CancellationToken;
        var entry = migration.Entry;
        var version = migration.Version;
        if (bench.Run(migration, up: true, ct) is { } upFailed)
        {
            failures.Add(new RoundTripFailure(entry, RoundTripCheck.UpFailed, [], upFailed));
            return bench;
        }

        var beforeUp = bench.Fingerprint.Refresh(ct);
        var seeds = run.WithData ? await run.SeedAsync(bench) : [];
        if (bench.Run(migration, up: false, ct) is { } downFailed)
        {
            // A Down that failed in its transaction left the schema of the Up, and noted nothing: go on from there.
            var check = PlaceholderDown.Failed(downFailed) ? RoundTripCheck.DownLeftToGenerate : RoundTripCheck.DownFailed;
            failures.Add(new RoundTripFailure(entry, check, [], downFailed));
            if (downFailed.Mode != MigrationMode.Transaction)
            {
                return await run.ReplaceAsync(bench, version);
            }

            await DataSeeds.UnseedAsync(bench.Fingerprint.Connection, seeds, ct);
            return bench;
        }

        var beforeDown = bench.Fingerprint.Refresh(ct);
        if (Differs(bench.Fingerprint, beforeUp, beforeDown))
        {
            if (bench.Ahead)
            {
                // The bench has gone on past this Down: the snapshots need one that has not.
                return await CheckAsync(run, await run.RestartAsync(bench, version), migration, failures);
            }

            var (differences, fresh) = await run.CompareWithFreshAsync(bench, run.Previous(version));
            if (differences.Count > 0)
            {
                run.Retire(bench);
                failures.Add(new RoundTripFailure(entry, RoundTripCheck.DownDiffers, differences, null));
                // The fresh copy is at the version before: its Up brings it to where the next version starts.
                if (fresh.Run(migration, up: true, ct) is { } failed)
                {
                    failures.Add(new RoundTripFailure(entry, RoundTripCheck.UpFailed, [], failed));
                }

                fresh.Fingerprint.Refresh(ct);
                return fresh;
            }

            run.Retire(fresh);
        }

        if (seeds.Count > 0)
        {
            // Rows of the tables the Up did not change must outlive its Down.
            var watched = seeds.Where(s => !beforeUp.ContainsKey(s.Unit)).ToList();
            var lost = await DataSeeds.LostAsync(bench.Fingerprint.Connection, watched, ct);
            if (lost.Count > 0)
            {
                failures.Add(new RoundTripFailure(entry, RoundTripCheck.DownLosesRows, [], null) { LostRows = lost });
            }

            await DataSeeds.UnseedAsync(bench.Fingerprint.Connection, seeds, ct);
        }

        if (bench.Run(migration, up: true, ct) is { } againFailed)
        {
            failures.Add(new RoundTripFailure(entry, RoundTripCheck.UpAgainFailed, [], againFailed));
            return await run.ReplaceAsync(bench, version);
        }

        var beforeAgain = bench.Fingerprint.Refresh(ct);
        if (Differs(bench.Fingerprint, beforeDown, beforeAgain))
        {
            if (bench.Ahead)
            {
                return await CheckAsync(run, await run.RestartAsync(bench, version), migration, failures);
            }

            var (differences, fresh) = await run.CompareWithFreshAsync(bench, version);
            if (differences.Count > 0)
            {
                run.Retire(bench);
                failures.Add(new RoundTripFailure(entry, RoundTripCheck.UpAgainDiffers, differences, null));
                return fresh;
            }

            run.Retire(fresh);
        }

        return bench;
    }

    // Whether the schema now differs from the one before the first of two steps, given, for each, the hashes the
    // objects it touched had before it: before the first step an object had the hash the first recorded, or, untouched
    // by it, the one the second recorded.
    private static bool Differs(
        SchemaFingerprint now, IReadOnlyDictionary<SchemaUnit, string?> first, IReadOnlyDictionary<SchemaUnit, string?> second) =>
        first.Keys.Concat(second.Keys).Any(unit =>
            !string.Equals(first.TryGetValue(unit, out var before) ? before : second[unit], now[unit], StringComparison.Ordinal));

    /// <summary>What every version of one verification shares.</summary>
    private sealed class Run(
        RoundTripService service,
        IReadOnlyDictionary<long, string> checksums,
        string server,
        bool shadow,
        bool withData,
        CancellationToken cancellationToken)
    {
        private static readonly string[] Excluded = [.. SnapshotOptions.BookkeepingTables];

        private readonly string _database = new NpgsqlConnectionStringBuilder(service._connectionString).Database ?? "migrations";

        private readonly List<Task> _retiring = [];

        public int Restarts { get; private set; }

        public CancellationToken CancellationToken => cancellationToken;

        public bool WithData => withData;

        public Dictionary<string, string> Unseeded { get; } = [];

        public async Task<IReadOnlyList<Seeded>> SeedAsync(Workbench bench)
        {
            var (seeded, skipped) = await DataSeeds.SeedAsync(bench.Fingerprint.Connection, Excluded, cancellationToken);
            foreach (var (table, reason) in skipped)
            {
                Unseeded[table] = reason;
            }

            foreach (var seeds in seeded)
            {
                Unseeded.Remove(seeds.Table);
            }

            return seeded;
        }

        public long? Previous(long version)
        {
            var keys = service._migrations.Catalog.Migrations;
            var index = keys.IndexOfKey(version);
            return index == 0 ? null : keys.Keys[index - 1];
        }

        public Task<Workbench> BenchAtAsync(long? version) =>
            Workbench.CreateAsync(service._migrations, checksums, service._options, server, shadow, _database, version, cancellationToken);

        // A fresh bench at the version before, to check this one step by step.
        public Task<Workbench> RestartAsync(Workbench bench, long version)
        {
            Restarts++;
            Retire(bench);
            return BenchAtAsync(Previous(version));
        }

        public Task<Workbench> ReplaceAsync(Workbench bench, long version)
        {
            Retire(bench);
            return BenchAtAsync(version);
        }

        // A bench done with is dropped while the next one works: DROP DATABASE waits for a checkpoint.
        public void Retire(Workbench bench) => _retiring.Add(bench.DisposeAsync().AsTask());

        public Task RetiredAsync() => Task.WhenAll(_retiring);

        public async Task RetireQuietlyAsync(Workbench bench)
        {
            Retire(bench);
            try
            {
                await RetiredAsync();
            }
            catch (Exception e)
                when (e is NpgsqlException or RunnerErrorException or InvalidOperationException or OperationCanceledException)
            {
                // A scratch database left behind is named as one (<database>_scratch_<random>); the error matters more.
            }
        }

        // Full snapshots: of the bench as it is, and of a fresh bench migrated to the version it should equal.
        public async Task<(IReadOnlyList<SchemaDifference> Differences, Workbench Fresh)> CompareWithFreshAsync(
            Workbench bench, long? expectedVersion)
        {
            var actual = await bench.SnapshotAsync(cancellationToken);
            var fresh = await BenchAtAsync(expectedVersion);
            try
            {
                return (SchemaComparer.Compare(await fresh.SnapshotAsync(cancellationToken), actual), fresh);
            }
            catch
            {
                await fresh.DisposeAsync();
                throw;
            }
        }
    }
}
