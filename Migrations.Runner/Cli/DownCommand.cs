using System.CommandLine;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class DownCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var target = CommonOptions.Target("Revert every applied migration newer than this version (0 reverts all)");
        target.Required = true;
        var preview = new Option<bool>("--preview") {
            Description = $"Print the SQL that would run, touching nothing: a script that '{PreviewCommand.HowToRun}' runs as down would",
        };
        var command = new Command("down", HelpText.WithExamples(
            "Revert applied migrations, newest first, down to a version",
            "down --to 12",
            "down --to 0 --preview > revert.sql",
            "down --to 12 -e Staging --yes")) { target, preview, options.Yes };
        foreach (var option in options.Migrating)
        {
            command.Options.Add(option);
        }

        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var to = run.Parse.GetValue(target)!.Value;
            var connection = await run.ConnectionStringAsync(ct);
            if (run.Parse.GetValue(preview))
            {
                PreviewCommand.Show(
                    run, await new PreviewService(run.Migrations, connection, run.RunOptions().Verbose).DownScriptAsync(to, ct));
                return ExitCodes.Success;
            }

            run.ConfirmDestructive("revert migrations");
            var result = await new MigrationService(run.Migrations, connection, run.RunOptions()).DownToAsync(to, ct);
            run.SetResult(RunJson.From("down", result));
            RollbackCommand.PrintSummary(run.Out, result);
            return ExitCodes.Success;
        });
        return command;
    }
}
