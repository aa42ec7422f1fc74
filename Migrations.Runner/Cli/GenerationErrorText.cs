using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>The wording of the errors of diff, drift --write-migration and generated rollbacks.</summary>
internal static class GenerationErrorText
{
    internal static ErrorMessage? TryDescribe(RunnerError error) => error switch
    {
        UnknownSchemaSource e => new($"{e.Option} {e.Text}: not a schema source",
            "pass " + DiffCommand.SourceForms, ExitCodes.Usage),
        UnknownSourceVersion e => new($"{e.Option} migrations:{e.Version}: the assembly has no migration {e.Version} (latest: {e.Latest})",
            "pass migrations:V with a version that 'status' lists", ExitCodes.Usage),
        UnknownRollbackVersion e => new($"the assembly has no migration {e.Version} to compute a rollback for",
            "pass a version that 'status' lists", ExitCodes.Usage),
        SourceSnapshotUnreadable e => new($"{e.Path}: {e.Reason}",
            "pass a file written by 'schema --output', or another source: " + DiffCommand.SourceForms, ExitCodes.Usage),
        _ => null,
    };
}
