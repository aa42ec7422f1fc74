using System.Diagnostics;
using System.Reflection;
using FluentMigrator;
using FluentMigrator.Expressions;
using Migrations.Authoring;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Execution;

/// <summary>
/// One run of migrations over the migration session. Transactional migrations are pipelined: the statements of
/// several, each migration inside its own BEGIN and COMMIT with its bookkeeping, go to the server as one command, and a
/// marker row after each COMMIT reports it with its time on the server. PostgreSQL skips everything after a failing
/// statement up to the command's end, so the migrations after a failure never start, exactly as if they had been sent
/// one by one. The pipeline is drained first whenever a migration asks about the schema, runs C# against the
/// connection, or runs without a transaction, so each still sees the database as every earlier migration left it.
/// Batches double from one migration: the first lines of a run print as soon as they land, and a long run costs a
/// handful of round trips, not one or more per migration. While the server runs one batch, this thread builds the next.
/// </summary>
internal sealed partial class Pipeline
{
    /// <summary>The most migrations one command carries.</summary>
    public const int LargestBatch = 256;

    internal const string LandedColumn = "migrations_runner_landed";

    // Fails (25P01) outside a transaction block: placed before the bookkeeping, it stops a migration that ended the
    // runner's transaction itself from having its VersionInfo row written in a transaction of its own.
    private const string Guard = "SAVEPOINT migrations_runner_guard";

    private readonly ISqlChannel _channel;
    private readonly MigrationCatalog _catalog;
    private readonly IReadOnlyList<Assembly> _assemblies;
    private readonly PipelineObserver _observer;
    private readonly string _sessionReset;
    private readonly BatchTrailer? _trailer;
    private readonly ExpressionBuilder _builder;
    private readonly SqlProcessor _processor;
    private readonly List<(MigrationDefinition Migration, bool Up, string Script)> _queued = [];
    private readonly bool _maintainEach;
    private readonly List<MigrationStep> _steps = [];
    private readonly Stopwatch _sinceLastStep = new();
    private bool _up;
    private MigrationMode _mode;
    private int _batch = 1;
    private Task? _inFlight;

    /// <param name="channel">The migration session.</param>
    /// <param name="catalog">The migrations and maintenance migrations of the set.</param>
    /// <param name="assemblies">Where a failing statement's file is looked for.</param>
    /// <param name="observer">Hears each step and, verbose, each statement.</param>
    /// <param name="sessionReset">Sent after each migration, so that none starts in a state an earlier one left.</param>
    /// <param name="connectionString">What migrations read as <c>ConnectionString</c>.</param>
    /// <param name="trailer">Sent in each pipelined migration's transaction, after its bookkeeping.</param>
    public Pipeline(
        ISqlChannel channel,
        MigrationCatalog catalog,
        IReadOnlyList<Assembly> assemblies,
        PipelineObserver? observer = null,
        string sessionReset = "",
        string? connectionString = null,
        BatchTrailer? trailer = null)
    {
        _channel = channel;
        _trailer = trailer;
        _sessionReset = sessionReset;
        _catalog = catalog;
        _assemblies = assemblies;
        _observer = observer ?? new PipelineObserver();
        _builder = new ExpressionBuilder(catalog, connectionString);
        _processor = SqlProcessor.Executing(channel, _observer.Verbose);
        _processor.BeforeQuestion = Drain;
        _maintainEach = catalog.Maintenance.ContainsKey(MigrationStage.BeforeEach)
            || catalog.Maintenance.ContainsKey(MigrationStage.AfterEach);
    }

    /// <summary>The steps that landed so far, in order.</summary>
    public IReadOnlyList<MigrationStep> Steps => _steps;

    /// <summary>
    /// As <c>Run</c>, each step in its own direction (a round trip's up, down and up again of one migration after
    /// another), without lock retries; batches grow again from one, so a caller that stops early has little sent ahead.
    /// </summary>
    public IReadOnlyList<MigrationStep> RunSteps(
        IReadOnlyList<(MigrationDefinition Migration, bool Up)> steps,
        Func<MigrationDefinition, bool, Bookkeeping> bookkeeping,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _batch = 1;
        return RunOnce(steps, steps.Count == 0 || steps[0].Up, bookkeeping, cancellationToken);
    }

    /// <summary>
    /// Runs each migration with its bookkeeping in one transaction; non-transactional ones in autocommit, their
    /// bookkeeping after them. Returns once everything sent has landed.
    /// </summary>
    /// <exception cref="RunnerErrorException">
    /// A migration failed (<see cref="MigrationFailed"/>); the steps before it stay landed.
    /// </exception>
    /// <exception cref="OperationCanceledException">Cancelled between migrations; what was sent has landed.</exception>
    private List<MigrationStep> RunOnce(
        IReadOnlyList<(MigrationDefinition Migration, bool Up)> plan,
        bool up,
        Func<MigrationDefinition, bool, Bookkeeping> bookkeeping,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _up = up;
        _sinceLastStep.Restart();
        using var cancelling = cancellationToken.Register(_channel.Cancel);
        try
        {
            try
            {
                foreach (var (migration, stepUp) in plan)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    _up = stepUp;
                    RunOne(migration, bookkeeping(migration, stepUp));
                }

                Drain();
            }
            catch when (_inFlight is not null)
            {
                // Nothing may use the connection once the run is over; a failure already sent is the one to report.
                Settle();
                throw;
            }
        }
        catch (RunnerErrorException e) when (cancellationToken.IsCancellationRequested && e.Error is MigrationFailed failed)
        {
            throw new RunnerErrorException(new RunCancelled(failed.Migration, failed.Mode, _up, _steps.Count), e);
        }
        catch (OperationCanceledException e)
        {
            throw new RunnerErrorException(new RunCancelled(null, MigrationMode.Transaction, _up, _steps.Count), e);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            throw new RunnerErrorException(new RunCancelled(null, MigrationMode.Transaction, _up, _steps.Count));
        }

        return _steps;
    }

    private void RunOne(MigrationDefinition migration, Bookkeeping bookkeeping)
    {
        if (_up && _maintainEach)
        {
            Maintain(MigrationStage.BeforeEach);
        }

        bool queued;
        try
        {
            _observer.Verbose?.WriteLine($"  {(_up ? "migrating" : "reverting")} {migration.Version} {migration.Name}");
            _observer.OnStarting?.Invoke(migration.Entry);
            queued = Add(migration, bookkeeping);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or RunnerErrorException))
        {
            // A migration before this one may have failed on the server meanwhile: that failure comes first.
            Settle();
            throw Failed(migration.Entry, e, _processor.LastSent);
        }

        if (!queued)
        {
            Landed(migration);
        }

        if (_queued.Count >= _batch)
        {
            Flush();
        }

        if (_up && _maintainEach)
        {
            Maintain(MigrationStage.AfterEach);
        }
    }

    // Queues a transactional migration whose expressions are plain SQL; runs any other at once. True when queued.
    private bool Add(MigrationDefinition migration, Bookkeeping bookkeeping)
    {
        _processor.Clear();
        _mode = migration.Transactional ? MigrationMode.Transaction : MigrationMode.NoTransaction;
        if (!migration.Transactional)
        {
            Drain();
            Execute(transactional: false, () => _builder.Apply(migration.Create(), _up, _processor), bookkeeping.Write);
            return false;
        }

        _processor.Pipelining = true;
        var expressions = _builder.Build(migration.Create(), _up, _processor);
        if (expressions.Any(e => e is PerformDBOperationExpression))
        {
            Drain();
            Execute(transactional: true, () => ExpressionBuilder.Execute(expressions, _processor), bookkeeping.Write);
            return false;
        }

        ExpressionBuilder.Execute(expressions, _processor);
        var statements = _processor.TakePending();
        if (statements.Any(SqlStatementKinds.ControlsTransactions))
        {
            Drain();
            _mode = MigrationMode.OwnTransactions;
            RunWithOwnTransactions(migration, statements, bookkeeping);
            return false;
        }

        bookkeeping.Write(_processor);
        var marker = FormattableString.Invariant($"SELECT {_queued.Count} AS {LandedColumn}, clock_timestamp()");
        string[] reset = _sessionReset.Length == 0 ? [] : [_sessionReset];
        string[] trailer = _trailer is null ? [] : [_trailer.Sql];
        var script = SqlProcessor.Script(
            ["BEGIN", .. statements, Guard, .. _processor.TakePending(), .. trailer, "COMMIT", .. reset, marker]);
        _queued.Add((migration, _up, script));
        return true;
    }

    // A script with its own BEGIN and COMMIT runs as psql runs it: statement by statement, its transactions its own.
    // Its bookkeeping lands only after its work committed; a transaction it leaves open is rolled back, as psql's
    // session would roll it back at the end of the file, and the migration is not recorded.
    private void RunWithOwnTransactions(MigrationDefinition migration, IReadOnlyList<string> statements, Bookkeeping bookkeeping)
    {
        try
        {
            foreach (var sql in statements)
            {
                _processor.SendEach(sql);
            }

            if (_channel.InTransactionBlock())
            {
                _mode = MigrationMode.LeftTransactionOpen;
                throw new RunnerErrorException(new MigrationFailed(migration.Entry, _up, _steps.Count, null, null, "", _mode));
            }
        }
        catch
        {
            _channel.RollBackQuietly();
            throw;
        }

        Execute(transactional: true, () => { }, bookkeeping.Write);
    }

    /// <summary>Sends what is queued and waits until all of it has landed.</summary>
    private void Drain() => Flush(waiting: true);

    /// <summary>
    /// Starts sending the queued migrations once the batch before them has landed, and returns: the next batch is
    /// built while the server runs this one. <paramref name="waiting"/>: the caller waits for it to land.
    /// </summary>
    private void Flush(bool waiting = false)
    {
        Settle();
        if (_queued.Count == 0)
        {
            return;
        }

        var batch = _queued.ToArray();
        _queued.Clear();
        _batch = Math.Min(_batch * 2, LargestBatch);
        if (waiting)
        {
            // Nothing is left to build meanwhile: a thread of its own would only add a hand-off (one per step of verify).
            Send(batch);
            return;
        }

        _inFlight = Task.Run(() => Send(batch));
    }

    /// <summary>Waits for the batch in flight, if any; throws its failure.</summary>
    private void Settle()
    {
        if (_inFlight is { } inFlight)
        {
            _inFlight = null;
            inFlight.GetAwaiter().GetResult();
        }
    }

    // One command for the whole batch; each migration is reported as its marker row arrives.
    private void Send((MigrationDefinition Migration, bool Up, string Script)[] batch)
    {
        var landed = 0;
        DateTime? previous = null;
        try
        {
            var script = $"SELECT -1 AS {LandedColumn}, clock_timestamp();\n" + string.Concat(batch.Select(q => q.Script));
            _channel.SendBatch(script, LandedColumn, _trailer, (index, at) =>
            {
                if (index >= 0)
                {
                    Landed(batch[index].Migration, at - (previous ?? at));
                    landed++;
                }

                previous = at;
            });
        }
        catch (Exception e) when (e is not OutOfMemoryException && landed < batch.Length)
        {
            _channel.RollBackQuietly();
            throw Failed(batch[landed].Migration.Entry, e, batch[landed].Script, MigrationMode.Transaction, batch[landed].Up);
        }

        _sinceLastStep.Restart();
    }

    private void Landed(MigrationDefinition migration, TimeSpan? elapsed = null)
    {
        var step = new MigrationStep(migration.Entry, elapsed ?? _sinceLastStep.Elapsed);
        _sinceLastStep.Restart();
        _steps.Add(step);
        _observer.OnStep?.Invoke(step);
    }

    // A transactional migration goes as BEGIN, its statements, its bookkeeping and COMMIT in one round trip; a
    // non-transactional one statement by statement in autocommit, then its bookkeeping in one implicit transaction.
    private void Execute(bool transactional, Action work, Action<SqlProcessor> bookkeeping)
    {
        _processor.Clear();
        _processor.Pipelining = transactional;
        if (!transactional)
        {
            work();
            _processor.Pipelining = true;
            bookkeeping(_processor);
            _processor.Flush();
            ResetSession();
            return;
        }

        _channel.Begin();
        try
        {
            work();
            _processor.Execute(Guard);
            bookkeeping(_processor);
            _processor.Flush(commit: true);
            _channel.EndTransaction();
        }
        catch
        {
            _channel.RollBackQuietly();
            throw;
        }

        ResetSession();
    }

    private void ResetSession()
    {
        if (_sessionReset.Length > 0)
        {
            _channel.Execute(_sessionReset);
        }
    }

    private RunnerErrorException Failed(
        MigrationEntry migration, Exception error, string? sentSql, MigrationMode? mode = null, bool? queuedUp = null)
    {
        var up = queuedUp ?? _up;
        var pg = SqlErrorLocator.FindPostgresError(error);
        // Only the guard can meet 25P01 in a command that holds it: a script whose own COMMIT the lexer sees never
        // shares a command with it.
        if (pg is { SqlState: "25P01" } && sentSql?.Contains(Guard, StringComparison.Ordinal) == true)
        {
            return new RunnerErrorException(
                new MigrationFailed(migration, up, _steps.Count, null, null, "", MigrationMode.EndedRunnersTransaction), error);
        }

        var location = pg is null ? null : SqlErrorLocator.Locate(_assemblies, pg, sentSql);
        var sql = pg is null ? null : SqlErrorLocator.Describe(pg);
        return new RunnerErrorException(
            new MigrationFailed(
                migration, up, _steps.Count, sql, location, pg is null ? SqlErrorLocator.Flatten(error) : "", mode ?? _mode),
            error);
    }
}
