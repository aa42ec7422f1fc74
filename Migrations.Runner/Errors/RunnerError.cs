namespace Migrations.Runner.Errors;

/// <summary>
/// A failure a service explains with data only. The command line words it, advises on it and picks its exit code
/// (<c>Cli/ErrorText.cs</c>): services know no flag names and write no sentences, so every verb, the JSON output and
/// the tests read the same facts.
/// </summary>
public abstract record RunnerError;

/// <summary>Carries a <see cref="RunnerError"/> out of a service; anything else that escapes one is a bug.</summary>
public sealed class RunnerErrorException : Exception
{
    public RunnerErrorException(RunnerError error, Exception? innerException = null)
        : base(error?.GetType().Name, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public RunnerErrorException()
        : this(new Unexplained(""))
    {
    }

    public RunnerErrorException(string message)
        : this(new Unexplained(message))
    {
    }

    public RunnerErrorException(string message, Exception innerException)
        : this(new Unexplained(message), innerException)
    {
    }

    public RunnerError Error { get; }
}

/// <summary>Only for the exception's standard constructors; no service raises it.</summary>
public sealed record Unexplained(string Text) : RunnerError;
