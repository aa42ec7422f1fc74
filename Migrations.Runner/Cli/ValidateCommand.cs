using System.CommandLine;
using System.Text.Json;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class ValidateCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var command = new Command(
            "validate",
            HelpText.WithExamples(
                "Check the migrations and the database's history; report every problem, then exit 3 if there are any",
                "validate",
                "validate --json"))
        {
            options.Json,
        };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            var report = await ValidationService.ValidateAsync(run.Migrations, connection, ct);
            if (run.Parse.GetValue(options.Json))
            {
                run.Out.WriteLine(JsonSerializer.Serialize(
                    new
                    {
                        report.MigrationCount,
                        report.AppliedCount,
                        Problems = report.Problems.Select(p => new { p.Code, Message = ErrorText.Describe(p) }),
                    },
                    Report.Json));
            }
            else if (report.Problems.Count == 0)
            {
                run.Out.WriteLine($"OK: {Report.Plural(report.MigrationCount, "migration")}, {report.AppliedCount} applied, no problems.");
            }
            else
            {
                run.Out.WriteLine($"{Report.Plural(report.Problems.Count, "problem")}:");
                foreach (var problem in report.Problems)
                {
                    run.Out.WriteLine($"  [{problem.Code}] {ErrorText.Describe(problem)}");
                }
            }

            return report.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }
}
