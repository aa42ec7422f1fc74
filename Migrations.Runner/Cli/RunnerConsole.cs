namespace Migrations.Runner.Cli;

/// <summary>What a run of the CLI talks to: its two streams, its environment and its working directory. Tests pass their own.</summary>
public sealed record RunnerConsole(TextWriter Out, TextWriter Error, Func<string, string?> GetEnvironmentVariable, string WorkingDirectory)
{
    public static RunnerConsole System { get; } =
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, Environment.CurrentDirectory)
        {
            ErrorIsTerminal = !Console.IsErrorRedirected,
        };

    /// <summary>Stderr is a terminal: progress may rewrite one live line there instead of printing line after line.</summary>
    public bool ErrorIsTerminal { get; init; }
}
