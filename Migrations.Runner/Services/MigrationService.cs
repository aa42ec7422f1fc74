using System.Diagnostics;
using FluentMigrator;
using FluentMigrator.Infrastructure;
using Npgsql;

namespace Migrations.Runner.Services;

public enum MigrationState
{
    Applied,
    Pending,
}

public sealed record MigrationStatusRow(long Version, string Name, string Description, bool Transactional, MigrationState State, DateTime? AppliedOnUtc);

/// <summary>What <c>status</c> reports: every known migration, plus applied versions the assembly does not know.</summary>
public sealed record StatusReport(
    long? Current,
    long Latest,
    IReadOnlyList<MigrationStatusRow> Migrations,
    IReadOnlyList<AppliedMigration> UnknownApplied,
    bool VersionTableExists)
{
    public int PendingCount => Migrations.Count(m => m.State == MigrationState.Pending);

    public int AppliedCount => Migrations.Count(m => m.State == MigrationState.Applied);
}

/// <summary>One migration run or reverted.</summary>
public sealed record MigrationStep(MigrationEntry Migration, TimeSpan Elapsed);

public sealed record RunResult(IReadOnlyList<MigrationStep> Steps, long? CurrentVersion, TimeSpan Elapsed);

/// <summary>The SQL one migration would run.</summary>
public sealed record PreviewStep(MigrationEntry Migration, IReadOnlyList<string> Sql);

/// <summary>How a run reports progress and waits for the lock; all optional.</summary>
public sealed record RunOptions
{
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public Action<LockHolder?, TimeSpan> OnLockWait { get; init; } = (_, _) => { };

    public Action<MigrationStep> OnStep { get; init; } = _ => { };

    /// <summary>Receives FluentMigrator's own log (SQL, timings) with --verbose.</summary>
    public TextWriter? Verbose { get; init; }
}

/// <summary>
/// Applies and reverts migrations through FluentMigrator, one migration per transaction (as each declares), under the
/// migration lock. Plans are computed first and refused as a whole when they would skip or misorder anything.
/// </summary>
public sealed class MigrationService(MigrationAssembly assembly, string connectionString, RunOptions? options = null)
{
    private readonly RunOptions _options = options ?? new RunOptions();

    /// <summary>Every migration in the assembly, without touching the database.</summary>
    public IReadOnlyList<MigrationEntry> Catalog()
    {
        using var host = new FluentMigratorHost(assembly, null);
        return host.Entries;
    }

    /// <summary>Applied and pending migrations. Read-only: does not create VersionInfo.</summary>
    public async Task<StatusReport> StatusAsync(CancellationToken cancellationToken = default)
    {
        var catalog = Catalog();
        await using var connection = await Database.OpenAsync(connectionString, cancellationToken: cancellationToken);
        var applied = await VersionHistory.ReadAsync(connection, cancellationToken);
        return BuildStatus(catalog, applied, await VersionTableExistsAsync(connection, cancellationToken));
    }

    internal static StatusReport BuildStatus(IReadOnlyList<MigrationEntry> catalog, IReadOnlyList<AppliedMigration> applied, bool tableExists)
    {
        var appliedByVersion = applied.ToDictionary(a => a.Version);
        var rows = catalog
            .Select(m => appliedByVersion.TryGetValue(m.Version, out var a)
                ? new MigrationStatusRow(m.Version, m.Name, m.Description, m.Transactional, MigrationState.Applied, a.AppliedOnUtc)
                : new MigrationStatusRow(m.Version, m.Name, m.Description, m.Transactional, MigrationState.Pending, null))
            .ToList();
        var known = catalog.Select(m => m.Version).ToHashSet();
        return new StatusReport(
            applied.Count == 0 ? null : applied.Max(a => a.Version),
            catalog.Count == 0 ? 0 : catalog.Max(m => m.Version),
            rows,
            [.. applied.Where(a => !known.Contains(a.Version))],
            tableExists);
    }

    /// <summary>Applies pending migrations up to <paramref name="target"/> (all when null), in version order.</summary>
    /// <exception cref="RunnerException">Unknown target, out-of-order pending migrations (unless allowed), lock timeout, or a failing migration.</exception>
    public async Task<RunResult> UpAsync(long? target, bool allowOutOfOrder = false, CancellationToken cancellationToken = default)
    {
        using var host = new FluentMigratorHost(assembly, connectionString, logger: new MigrationLog(_options.Verbose));
        var known = host.Migrations;
        if (target is { } t && !known.ContainsKey(t))
        {
            throw UnknownTarget(t, known);
        }

        await using var migrationLock = await AcquireLockAsync(cancellationToken);
        var runner = host.CreateRunner();
        var applied = await ReadAppliedAsync(cancellationToken);
        var appliedSet = applied.Select(a => a.Version).ToHashSet();
        var newestApplied = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        var plan = known.Values.Where(m => m.Version <= (target ?? long.MaxValue) && !appliedSet.Contains(m.Version)).ToList();

        var outOfOrder = plan.Where(m => m.Version < newestApplied).ToList();
        if (outOfOrder.Count > 0 && !allowOutOfOrder)
        {
            throw new RunnerException(
                $"pending {Describe(outOfOrder)} older than the newest applied version {newestApplied}: applying it now would run it out of order",
                "check that the branch was merged as intended; rerun with --out-of-order to apply it anyway");
        }

        return Run(plan, info => runner.ApplyMigrationUp(info, info.TransactionBehavior == TransactionBehavior.Default), applied, up: true);
    }

    /// <summary>Reverts applied migrations newer than <paramref name="target"/>, newest first (0 reverts all).</summary>
    public async Task<RunResult> DownToAsync(long target, CancellationToken cancellationToken = default)
    {
        using var host = new FluentMigratorHost(assembly, connectionString, logger: new MigrationLog(_options.Verbose));
        if (target != 0 && !host.Migrations.ContainsKey(target))
        {
            throw UnknownTarget(target, host.Migrations);
        }

        await using var migrationLock = await AcquireLockAsync(cancellationToken);
        var applied = await ReadAppliedAsync(cancellationToken);
        var toRevert = applied.Where(a => a.Version > target).OrderByDescending(a => a.Version).ToList();
        return RevertAll(host, applied, toRevert);
    }

    /// <summary>Reverts the newest <paramref name="steps"/> applied migrations.</summary>
    public async Task<RunResult> RollbackAsync(int steps, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        using var host = new FluentMigratorHost(assembly, connectionString, logger: new MigrationLog(_options.Verbose));
        _ = host.Migrations;
        await using var migrationLock = await AcquireLockAsync(cancellationToken);
        var applied = await ReadAppliedAsync(cancellationToken);
        if (steps > applied.Count)
        {
            throw new RunnerException(
                $"cannot roll back {steps} step{(steps == 1 ? "" : "s")}: only {applied.Count} migration{(applied.Count == 1 ? " is" : "s are")} applied",
                applied.Count == 0 ? "nothing to roll back" : $"use --steps {applied.Count} or down --to 0");
        }

        var toRevert = applied.OrderByDescending(a => a.Version).Take(steps).ToList();
        return RevertAll(host, applied, toRevert);
    }

    /// <summary>The SQL that <c>up</c> (to <paramref name="target"/>) would run; executes nothing.</summary>
    public async Task<IReadOnlyList<PreviewStep>> PreviewUpAsync(long? target, CancellationToken cancellationToken = default)
    {
        var log = new MigrationLog(_options.Verbose);
        using var host = new FluentMigratorHost(assembly, connectionString, previewOnly: true, logger: log);
        if (target is { } t && !host.Migrations.ContainsKey(t))
        {
            throw UnknownTarget(t, host.Migrations);
        }

        var applied = (await ReadAppliedAsync(cancellationToken)).Select(a => a.Version).ToHashSet();
        var plan = host.Migrations.Values.Where(m => m.Version <= (target ?? long.MaxValue) && !applied.Contains(m.Version)).ToList();
        return Preview(host, log, plan, (runner, info) => runner.ApplyMigrationUp(info, false));
    }

    /// <summary>The SQL that <c>down --to</c> <paramref name="target"/> would run; executes nothing.</summary>
    public async Task<IReadOnlyList<PreviewStep>> PreviewDownAsync(long target, CancellationToken cancellationToken = default)
    {
        var log = new MigrationLog(_options.Verbose);
        using var host = new FluentMigratorHost(assembly, connectionString, previewOnly: true, logger: log);
        if (target != 0 && !host.Migrations.ContainsKey(target))
        {
            throw UnknownTarget(target, host.Migrations);
        }

        var applied = await ReadAppliedAsync(cancellationToken);
        var toRevert = applied.Where(a => a.Version > target).OrderByDescending(a => a.Version).ToList();
        var plan = Resolve(host, toRevert);
        return Preview(host, log, plan, (runner, info) => runner.ApplyMigrationDown(info, false));
    }

    private static List<PreviewStep> Preview(FluentMigratorHost host, MigrationLog log, List<IMigrationInfo> plan, Action<FluentMigrator.Runner.MigrationRunner, IMigrationInfo> apply)
    {
        var runner = host.CreateRunner();
        var steps = new List<PreviewStep>();
        foreach (var info in plan)
        {
            log.ClearSql();
            apply(runner, info);
            steps.Add(new PreviewStep(FluentMigratorHost.ToEntry(info), log.Sql));
        }

        return steps;
    }

    private RunResult RevertAll(FluentMigratorHost host, IReadOnlyList<AppliedMigration> applied, List<AppliedMigration> toRevert)
    {
        var plan = Resolve(host, toRevert);
        var runner = host.CreateRunner();
        return Run(plan, info => runner.ApplyMigrationDown(info, info.TransactionBehavior == TransactionBehavior.Default), applied, up: false);
    }

    // FluentMigrator silently skips applied versions it has no class for; reverting past one would leave its schema behind.
    private static List<IMigrationInfo> Resolve(FluentMigratorHost host, List<AppliedMigration> toRevert)
    {
        var unknown = toRevert.Where(a => !host.Migrations.ContainsKey(a.Version)).ToList();
        if (unknown.Count > 0)
        {
            var list = string.Join(", ", unknown.Select(a => $"{a.Version}" + (a.Description is null ? "" : $" ({a.Description})")));
            throw new RunnerException(
                $"refusing to roll back: applied version{(unknown.Count == 1 ? "" : "s")} {list} {(unknown.Count == 1 ? "is" : "are")} not in {host.Migrations.Values[0].Migration.GetType().Assembly.GetName().Name}, so {(unknown.Count == 1 ? "its" : "their")} Down cannot run",
                "run the runner built from the code that applied it, or remove the row from VersionInfo once its schema change has been undone by hand");
        }

        return [.. toRevert.Select(a => host.Migrations[a.Version])];
    }

    private RunResult Run(List<IMigrationInfo> plan, Action<IMigrationInfo> apply, IReadOnlyList<AppliedMigration> appliedBefore, bool up)
    {
        var total = Stopwatch.StartNew();
        var steps = new List<MigrationStep>();
        var current = new SortedSet<long>(appliedBefore.Select(a => a.Version));
        foreach (var info in plan)
        {
            var entry = FluentMigratorHost.ToEntry(info);
            var watch = Stopwatch.StartNew();
            try
            {
                apply(info);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw MigrationFailed(entry, e, up, steps.Count);
            }

            var step = new MigrationStep(entry, watch.Elapsed);
            steps.Add(step);
            _ = up ? current.Add(info.Version) : current.Remove(info.Version);
            _options.OnStep(step);
        }

        return new RunResult(steps, current.Count == 0 ? null : current.Max, total.Elapsed);
    }

    private RunnerException MigrationFailed(MigrationEntry migration, Exception error, bool up, int doneBefore)
    {
        var verb = up ? "migration" : "rollback of migration";
        var pg = SqlErrorExplainer.FindPostgresError(error);
        var location = pg is null ? null : SqlErrorExplainer.Locate(assembly.Assembly, pg);
        var reason = pg is not null ? $"{pg.SqlState} {pg.MessageText}" : Flatten(error);
        var where = location is null ? "" : $" ({location.File})";
        var outcome = migration.Transactional
            ? $"its transaction was rolled back: the schema and VersionInfo are as before it{(doneBefore > 0 ? $"; the {doneBefore} migration{(doneBefore == 1 ? "" : "s")} before it stay{(doneBefore == 1 ? "s" : "")} {(up ? "applied" : "reverted")}" : "")}"
            : "it ran without a transaction, so statements before the failing one stay applied and VersionInfo does not record it";
        var advice = migration.Transactional
            ? $"fix the migration (or the data it trips on), then run {(up ? "up" : "the rollback")} again"
            : "make its statements idempotent (IF NOT EXISTS) or undo the partial change, drop any INVALID index it left (the 'validate' verb lists them), then run again";
        return new RunnerException($"{verb} {migration.Version} {migration.Name}{where} failed: {reason}", advice, ExitCodes.Failure, error)
        {
            Details = [.. (pg is null ? [] : SqlErrorExplainer.Details(pg, location)), outcome],
        };
    }

    private static string Flatten(Exception error)
    {
        // FluentMigrator wraps the cause in a generic exception whose message repeats the whole SQL.
        var inner = error;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var first = inner.Message.Split('\n')[0].Trim();
        return first.Length > 300 ? first[..300] + "..." : first;
    }

    private async Task<MigrationLock> AcquireLockAsync(CancellationToken cancellationToken) =>
        await MigrationLock.AcquireAsync(connectionString, _options.LockTimeout, _options.OnLockWait, cancellationToken);

    private async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(connectionString, cancellationToken: cancellationToken);
        return await VersionHistory.ReadAsync(connection, cancellationToken);
    }

    private static async Task<bool> VersionTableExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT to_regclass('{VersionHistory.Schema}.\"{VersionHistory.Table}\"') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static RunnerException UnknownTarget(long target, SortedList<long, IMigrationInfo> known) =>
        new($"{target} is not a known migration version (known: {known.Keys[0]}..{known.Keys[^1]}{(known.Count == known.Keys[^1] - known.Keys[0] + 1 ? "" : ", with gaps")})",
            "pass a version listed by 'status', or 0 for none", ExitCodes.Usage);

    private static string Describe(List<IMigrationInfo> migrations) =>
        migrations.Count == 1
            ? $"migration {migrations[0].Version} {migrations[0].Migration.GetType().Name} is"
            : $"migrations {string.Join(", ", migrations.Select(m => m.Version))} are";
}
