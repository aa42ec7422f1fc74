using Migrations.Runner.Catalog;
using Migrations.Runner.Execution;
using Migrations.Runner.Session;

namespace Migrations.Runner.Services;

/// <summary>How a run waits, times out and reports; all optional.</summary>
public sealed record RunOptions
{
    public SessionSettings Session { get; init; } = new();

    public Action<MigrationStep> OnStep { get; init; } = _ => { };

    /// <summary>Hears each migration as the run sends it, with the server pid of the migration session (for progress).</summary>
    public Action<MigrationEntry, int>? OnStarting { get; init; }

    /// <summary>Hears what the run did besides migrating (e.g. dropping an INVALID index).</summary>
    public Action<RunNote> OnNote { get; init; } = _ => { };

    /// <summary>How many times a transactional migration that fails on lock_timeout (55P03) is tried again.</summary>
    public int LockRetries { get; init; }

    /// <summary>Hears each retry on lock_timeout before its delay.</summary>
    public Action<LockRetry> OnLockRetry { get; init; } = _ => { };

    /// <summary>Receives every statement sent, with --verbose.</summary>
    public TextWriter? Verbose { get; init; }
}

/// <summary>Something a run did besides migrating, for the operator.</summary>
public abstract record RunNote;

public sealed record InvalidIndexDropped(string Index) : RunNote;
