namespace Migrations.Runner.Errors;

// FluentMigrator fidelity: what an assembly asks of FluentMigrator's runner that this runner cannot give.

/// <summary>A migration's (or convention set's, version table's) constructor needs a service the runner does not provide.</summary>
public sealed record UnresolvableConstructor(string TypeName, string? ParameterType, string? ParameterName) : RunnerError;

/// <summary>A [Profile] migration failed; nothing records profiles, so it runs again next time.</summary>
public sealed record ProfileFailed(string Profile, string Name, string Reason) : RunnerError;
