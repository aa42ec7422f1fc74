using System.CommandLine;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class RollbackCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var steps = new Option<int>("--steps", "-n")
        {
            Description = "How many of the newest applied migrations to revert",
            DefaultValueFactory = _ => 1,
        }.Parses("a whole number of steps");
        steps.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out var count) && count < 1)
            {
                r.AddError("--steps must be 1 or more");
            }
        });
        var command = new Command("rollback", HelpText.WithExamples(
            "Revert the newest applied migration (or --steps N of them)",
            "rollback",
            "rollback --steps 3 -e Production --yes")) { steps, options.Yes };
        foreach (var option in options.Migrating)
        {
            command.Options.Add(option);
        }

        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            run.ConfirmDestructive("roll back");
            var service = new MigrationService(run.Migrations, connection, run.RunOptions());
            var result = await service.RollbackAsync(run.Parse.GetValue(steps), ct);
            run.SetResult(RunJson.From("rollback", result));
            PrintSummary(run.Out, result);
            return ExitCodes.Success;
        });
        return command;
    }

    public static void PrintSummary(TextWriter output, RunResult result) =>
        output.WriteLine(result.Steps.Count == 0
            ? $"Nothing to revert; current version {Report.Version(result.CurrentVersion)}."
            : $"Reverted {Report.Plural(result.Steps.Count, "migration")} in {Report.Seconds(result.Elapsed)}; "
              + $"current version {Report.Version(result.CurrentVersion)}.");
}
