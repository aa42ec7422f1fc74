namespace Migrations.Runner.Cli;

/// <summary>The runner's exit codes: the one place they are defined (README "Exit codes" mirrors this).</summary>
public static class ExitCodes
{
    /// <summary>Done; for checks, nothing found.</summary>
    public const int Success = 0;

    /// <summary>The work failed: SQL error, unreachable server, refused state, a bug.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: unknown verb or option, bad value, empty or missing connection string, missing --yes.</summary>
    public const int Usage = 2;

    /// <summary>A check ran and found problems: <c>status --check</c> (pending, CHANGED, UNKNOWN), validation problems, drift.</summary>
    public const int CheckFailed = 3;

    /// <summary>Interrupted (Ctrl+C, SIGINT, SIGTERM), as a shell reports a process ended by SIGINT.</summary>
    public const int Cancelled = 130;
}
