using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

/// <summary>What up, down and rollback did, as --json prints it.</summary>
internal sealed record RunJson(string Verb, IReadOnlyList<StepJson> Steps, long? CurrentVersion, double ElapsedMs)
{
    public static RunJson From(string verb, RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new RunJson(
            verb,
            [.. result.Steps.Select(s =>
                new StepJson(s.Migration.Version, s.Migration.Name, s.Migration.Description, s.Elapsed.TotalMilliseconds))],
            result.CurrentVersion,
            result.Elapsed.TotalMilliseconds);
    }
}

/// <summary>One migration applied or reverted, with its time on the server.</summary>
internal sealed record StepJson(long Version, string Name, string Description, double ElapsedMs);
