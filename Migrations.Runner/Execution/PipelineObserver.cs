using Migrations.Runner.Catalog;

namespace Migrations.Runner.Execution;

/// <summary>One migration run or reverted, with its time on the server.</summary>
public sealed record MigrationStep(MigrationEntry Migration, TimeSpan Elapsed);

/// <summary>What a pipeline reports while it runs; all optional.</summary>
/// <param name="OnStep">Hears each migration as it lands.</param>
/// <param name="Verbose">Receives every statement sent.</param>
/// <param name="LockRetries">How many times a migration that fails on lock_timeout is tried again.</param>
/// <param name="OnLockRetry">Hears each retry before its wait.</param>
/// <param name="OnStarting">Hears each migration as it is queued or sent, in order; the steps land in the same order.</param>
internal sealed record PipelineObserver(
    Action<MigrationStep>? OnStep = null,
    TextWriter? Verbose = null,
    int LockRetries = 0,
    Action<LockRetry>? OnLockRetry = null,
    Action<MigrationEntry>? OnStarting = null);
