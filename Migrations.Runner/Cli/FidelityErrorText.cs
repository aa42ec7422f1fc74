using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>The wording of the FluentMigrator-fidelity errors (Errors/FidelityErrors.cs).</summary>
internal static class FidelityErrorText
{
    internal static ErrorMessage? TryDescribe(RunnerError error) => error switch
    {
        UnresolvableConstructor e => new(
            $"{e.TypeName}'s constructor needs {(e.ParameterType is null ? "a service" : $"{e.ParameterType} {e.ParameterName}")}, "
            + "which the runner's service provider does not have",
            "take the options, logging or configuration FluentMigrator's runner provides (IOptions<RunnerOptions>, "
            + "IOptions<ProcessorOptions>, ILogger<T>, IConfiguration, IConventionSet), or give the class a parameterless "
            + "constructor; nothing was run"),
        ProfileFailed e => new($"[Profile(\"{e.Profile}\")] migration {e.Name} failed: {e.Reason}",
            "fix the profile migration; it runs in its own transaction, which was rolled back, and the migrations before it stay applied"),
        _ => null,
    };
}
