#if DEVELOPMENT_TOOLS
using Migrations.Runner.Development;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>The wording of the development tools' errors (local database, scaffolding).</summary>
internal static class DevelopmentErrorText
{
    // initdb explains itself at length; the last lines say why.
    private const int OutputLines = 6;

    public static ErrorMessage Describe(RunnerError error) => error switch
    {
        DevDatabaseUnavailable e => new(
            $"cannot start the local development database in {e.Directory}: {Cause(e.Cause)}",
            $"configure a database instead: --connection or {RunnerConfiguration.ConnectionStringVariable}",
            ExitCodes.Failure,
            e.Cause is LocalClusterFailed failed ? [.. failed.Output.TakeLast(OutputLines)] : []),
        NoDevDatabaseLocation e => new(
            $"no connection configured, and no repository around {e.WorkingDirectory} or the runner to keep the development database in",
            $"pass --connection or set {RunnerConfiguration.ConnectionStringVariable}; "
            + $"or set {DevDatabase.DirectoryVariable} to a folder for it",
            ExitCodes.Usage),
        UnusableTitle e => new(
            $"\"{e.Title}\" is not a usable title: it must start with a letter, e.g. \"Add widgets table\"",
            null,
            ExitCodes.Usage),
        NoSuchFolder e => new($"{e.Directory}: no such folder", "run from the repository or pass --directory", ExitCodes.Usage),
        MigrationNameTaken e => new(
            $"a migration named {e.Name} exists already: {e.ExistingFile}",
            "choose another title",
            ExitCodes.Usage),
        NotInRepository => new(
            "not inside the repository (no Database.sln above the working directory)",
            "pass --directory",
            ExitCodes.Usage),
        _ => new($"cannot {Cause(error)}", "rerun with --verbose, and report it if it looks like a bug"),
    };

    private static string Cause(RunnerError cause) => cause switch
    {
        NoServerBinaries => "no PostgreSQL server binaries found (initdb, pg_ctl): "
            + "install the 'postgresql' package or configure a connection string",
        LocalClusterFailed e => $"{e.Step} failed (exit {e.ExitCode})",
        _ => ErrorText.Describe(cause).Message,
    };
}
#endif
