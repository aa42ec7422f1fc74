using System.CommandLine;
using System.Text.Json;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class DriftCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var against = new Option<string?>("--against")
        {
            Description = "Compare with a snapshot saved by 'schema --output' instead of replaying migrations",
        };
        var command = new Command(
            "drift",
            HelpText.WithExamples(
                "Compare the live schema with what its applied migrations say it should be; "
                + $"exit {ExitCodes.CheckFailed} on any difference",
                "drift",
                "drift --against schema.json",
                "drift --shadow-connection \"Host=scratch;Username=postgres\" --json"))
        {
            options.Json, against, options.ShadowConnection,
        };
#if DEVELOPMENT_TOOLS
        var (writeMigration, directory) = DriftMigrationCommand.AddOptions(command);
#endif
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
#if DEVELOPMENT_TOOLS
            if (run.Parse.GetValue(writeMigration) is { } title)
            {
                return await DriftMigrationCommand.RunAsync(run, title, run.Parse.GetValue(directory), ct);
            }

#endif
            var connection = await run.ConnectionStringAsync(ct);
            var service = new SchemaTruthService(run.Migrations, connection, run.RunOptions());
            var report = run.Parse.GetValue(against) is { } file
                ? await service.DriftAgainstFileAsync(Path.GetFullPath(file, run.Console.WorkingDirectory), ct)
                : await service.DriftAsync(run.ShadowConnection, ct);
            if (run.Parse.GetValue(options.Json))
            {
                run.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    ComparedWith = ComparedWith(report),
                    report.Version,
                    report.HasDrift,
                    Differences = report.Differences.Select(d => new
                    {
                        d.Change,
                        d.ObjectType,
                        d.Name,
                        d.Expected,
                        d.Actual,
                        Description = d.Describe(),
                    }),
                    report.UnknownApplied,
                    report.Notes,
                }, Report.Json));
            }
            else
            {
                Print(run.Out, report);
            }

            return report.HasDrift ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
        return command;
    }

    private static string ComparedWith(DriftReport report)
    {
        if (report.SnapshotFile is { } file)
        {
            return file;
        }

        var replayed = report.Replayed;
        var versions = replayed.Count == 0 ? "(none applied)"
            : replayed.Count == replayed[^1] - replayed[0] + 1 ? $"{replayed[0]}..{replayed[^1]}"
            : string.Join(", ", replayed);
        return $"migrations {versions} replayed on a scratch database";
    }

    private static void Print(TextWriter output, DriftReport report)
    {
        output.WriteLine($"Compared with: {ComparedWith(report)}");
        foreach (var note in report.Notes)
        {
            output.WriteLine($"Note: {note}.");
        }

        if (!report.HasDrift)
        {
            output.WriteLine("No drift: the schema is exactly what the migrations say.");
            return;
        }

        output.WriteLine(
            $"Drift: {Report.Plural(report.Differences.Count, "difference")}"
            + (report.UnknownApplied.Count == 0
                ? ""
                : $", {Report.Plural(report.UnknownApplied.Count, "applied version")} unknown to the assembly "
                  + $"({string.Join(", ", report.UnknownApplied)})"));
        foreach (var difference in report.Differences)
        {
            output.WriteLine("  " + difference.Describe());
        }
    }
}
