using System.CommandLine;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class PreviewCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var target = CommonOptions.Target("Preview up to and including this version (default: all pending)");
        var command = new Command("preview", "Print the SQL that 'up' would run, touching nothing") { target };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            var service = new PreviewService(run.Migrations, connection, run.RunOptions().Verbose);
            Print(run.Out, await service.UpAsync(run.Parse.GetValue(target), ct), "up");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The SQL as a script a DBA can read; each migration introduced by a comment line.</summary>
    public static void Print(TextWriter output, IReadOnlyList<PreviewStep> steps, string direction)
    {
        if (steps.Count == 0)
        {
            output.WriteLine($"-- nothing to run ({direction})");
            return;
        }

        foreach (var step in steps)
        {
            output.WriteLine(
                $"-- {direction} {step.Migration.Version} {step.Migration.Name}: {step.Migration.Description}"
                + (step.Migration.Transactional ? "" : " (no transaction)"));
            foreach (var sql in step.Sql)
            {
                output.WriteLine(sql.TrimEnd());
            }

            output.WriteLine();
        }
    }
}
