using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Execution;

/// <summary>A migration that failed on lock_timeout and is about to be tried again.</summary>
/// <param name="Migration">The migration.</param>
/// <param name="Retry">Which retry this is, from 1.</param>
/// <param name="Retries">How many are allowed.</param>
/// <param name="Delay">How long the pipeline waits before it.</param>
/// <param name="Message">PostgreSQL's message.</param>
public sealed record LockRetry(MigrationEntry Migration, int Retry, int Retries, TimeSpan Delay, string Message);

/// <summary>
/// Retries on lock_timeout, as strong_migrations' lock_timeout_retries does for a migration inside its DDL transaction:
/// a transactional migration that failed with 55P03 was rolled back whole, so running it again from a reset session is
/// a clean attempt, and the migrations before it stay landed.
/// </summary>
internal sealed partial class Pipeline
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs each migration with its bookkeeping in one transaction; non-transactional ones in autocommit, their
    /// bookkeeping after them. Returns once everything sent has landed. A transactional migration that fails on a lock
    /// timeout is tried again, up to the observer's LockRetries times, after a doubling delay.
    /// </summary>
    /// <exception cref="RunnerErrorException">
    /// A migration failed (<see cref="MigrationFailed"/>); the steps before it stay landed.
    /// </exception>
    /// <exception cref="OperationCanceledException">Cancelled between migrations; what was sent has landed.</exception>
    public IReadOnlyList<MigrationStep> Run(
        IReadOnlyList<MigrationDefinition> plan,
        bool up,
        Func<MigrationDefinition, Bookkeeping> bookkeeping,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var rest = plan;
        for (var retry = 1; ; retry++)
        {
            try
            {
                return RunOnce([.. rest.Select(m => (m, up))], up, (m, _) => bookkeeping(m), cancellationToken);
            }
            catch (RunnerErrorException e) when (retry <= _observer.LockRetries && LockTimedOut(e.Error) is { } failed)
            {
                // Built while the failed batch ran: they were never sent.
                _queued.Clear();
                ResetSession();
                var delay = Backoff(retry);
                _observer.OnLockRetry?.Invoke(
                    new LockRetry(failed.Migration, retry, _observer.LockRetries, delay, failed.Sql!.MessageText));
                if (cancellationToken.WaitHandle.WaitOne(delay))
                {
                    throw new RunnerErrorException(new RunCancelled(null, MigrationMode.Transaction, up, _steps.Count), e);
                }

                rest = [.. rest.SkipWhile(m => m.Version != failed.Migration.Version)];
            }
        }
    }

    internal static TimeSpan Backoff(int retry) =>
        TimeSpan.FromTicks(Math.Min(LongestDelay.Ticks, FirstDelay.Ticks << Math.Min(retry - 1, 16)));

    private static MigrationFailed? LockTimedOut(RunnerError error) =>
        error is MigrationFailed { Mode: MigrationMode.Transaction, Sql.SqlState: "55P03" } failed ? failed : null;
}
