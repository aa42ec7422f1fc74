namespace Migrations.Runner.Services;

/// <summary>
/// A failure the runner explains itself: its message is the one-line error shown to the user, <see cref="Advice"/>
/// the line that says what to do next. Anything else that escapes a service is a bug and is reported as such.
/// </summary>
public class RunnerException : Exception
{
    public RunnerException(string message, string? advice = null, int exitCode = ExitCodes.Failure, Exception? innerException = null)
        : base(message, innerException)
    {
        Advice = advice;
        ExitCode = exitCode;
    }

    public RunnerException()
    {
    }

    public RunnerException(string message)
        : base(message)
    {
    }

    public RunnerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? Advice { get; }

    public int ExitCode { get; } = ExitCodes.Failure;

    /// <summary>Indented lines between the error and the advice (SQLSTATE detail, hint, position).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}
