using Migrations.Runner.Errors;

namespace Migrations.Runner.Development;

/// <summary>A step of a local cluster (initdb, pg_ctl, chown) failed; <see cref="Output"/> is what it printed.</summary>
public sealed record LocalClusterFailed(string Step, int ExitCode, IReadOnlyList<string> Output) : RunnerError;

public sealed record NoServerBinaries : RunnerError;

public sealed record DevDatabaseUnavailable(string Directory, RunnerError Cause) : RunnerError;

/// <summary>No repository around the working directory or the runner, so no place for the development database.</summary>
public sealed record NoDevDatabaseLocation(string WorkingDirectory) : RunnerError;

public sealed record UnusableTitle(string Title) : RunnerError;

public sealed record NoSuchFolder(string Directory) : RunnerError;

public sealed record MigrationNameTaken(string Name, string ExistingFile) : RunnerError;

public sealed record NotInRepository(string WorkingDirectory) : RunnerError;
