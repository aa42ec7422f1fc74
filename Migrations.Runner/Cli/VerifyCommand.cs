using System.CommandLine;
using System.Text.Json;
using Migrations.Runner.Verification;

namespace Migrations.Runner.Cli;

internal static class VerifyCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var from = new Option<long?>("--from") { Description = "First version to check (default: the first)" }
            .ParsesOptional(Numbers.Version);
        var to = new Option<long?>("--to", "-t") { Description = "Last version to check (default: the last)" }
            .ParsesOptional(Numbers.Version);
        var withData = new Option<bool>("--with-data")
        {
            Description = "Seed a few rows into every table before each Down, and fail a Down that loses rows of a table its Up "
                + "did not change (a table dropped and created again)",
        };
        var command = new Command(
            "verify",
            "Check the rollback round trip of every migration on a scratch database: Down restores the schema before its Up, "
            + $"and Up run again gives the schema of its first Up; list every version that fails, exit {ExitCodes.CheckFailed}. "
            + "The database named is never changed: a scratch database is created on its server (or --shadow-connection's) "
            + "and dropped. Example: verify --assembly bin/Release/net10.0/App.Migrations.dll --from 40 --json")
        {
            from, to, withData, options.Json, options.ShadowConnection,
        };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            var service = new RoundTripService(run.Migrations, connection, run.RunOptions());
            var report = await service.VerifyAsync(
                run.Parse.GetValue(from), run.Parse.GetValue(to), run.ShadowConnection, run.Parse.GetValue(withData), null, ct);
            if (run.Parse.GetValue(options.Json))
            {
                run.Out.WriteLine(JsonSerializer.Serialize(Json(report), Report.Json));
            }
            else
            {
                Print(run.Out, report);
            }

            return report.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }

    public static string Describe(RoundTripCheck check) => check switch
    {
        RoundTripCheck.UpFailed => "up failed",
        RoundTripCheck.DownFailed => "down failed",
        RoundTripCheck.DownDiffers => "down does not restore the schema before its up",
        RoundTripCheck.DownLosesRows => "down loses rows of a table its up does not change",
        RoundTripCheck.UpAgainFailed => "up after its down failed",
        RoundTripCheck.DownLeftToGenerate => "down is left to generate: it is still the placeholder of 'new --generate-down'",
        _ => "up after its down gives a schema other than its first up",
    };

    private static object Json(RoundTripReport report) => new
    {
        report.Passed,
        Checked = report.Checked.Count,
        From = report.Checked.Count == 0 ? (long?)null : report.Checked[0].Version,
        To = report.Checked.Count == 0 ? (long?)null : report.Checked[^1].Version,
        Failures = report.Failures.Select(f => new
        {
            f.Migration.Version,
            f.Migration.Name,
            f.Check,
            Description = Describe(f.Check),
            Error = f.Error is { } error ? MigrationFailure.Describe(error).Message : null,
            LostRows = f.LostRows,
            Differences = f.Differences.Select(d =>
                new { d.Change, d.ObjectType, d.Name, d.Expected, d.Actual, Description = d.Describe() }),
        }),
        NotChecked = report.NotChecked.Select(m => m.Version),
        Unseeded = report.Unseeded.Select(u => new { Table = u.Key, Reason = u.Value }),
        report.Incremental,
        ElapsedSeconds = Math.Round(report.Elapsed.TotalSeconds, 2),
    };

    private static void Print(TextWriter output, RoundTripReport report)
    {
        var range = report.Checked.Count == 0 ? "" : $" ({report.Checked[0].Version}..{report.Checked[^1].Version})";
        output.WriteLine(
            $"Checked {Report.Plural(report.Checked.Count, "version")}{range} on a scratch database in {Report.Seconds(report.Elapsed)}: "
            + "up, down, up again.");
        if (!report.Incremental)
        {
            output.WriteLine("Note: the role may not create event triggers (not a superuser), so every step hashed the whole schema.");
        }

        foreach (var (table, reason) in report.Unseeded)
        {
            output.WriteLine($"Note: --with-data could not fill table {table} ({reason}); its rows were not checked.");
        }

        if (report.Failures.Count == 0)
        {
            output.WriteLine("OK: every down restores the schema before its up, and every up run again gives the same schema.");
            return;
        }

        output.WriteLine($"{Report.Plural(report.Failures.Count, "version")} failed:");
        foreach (var failure in report.Failures)
        {
            output.WriteLine($"  {failure.Migration.Version} {failure.Migration.Name}: {Describe(failure.Check)}");
            if (failure.Error is { } error)
            {
                var message = MigrationFailure.Describe(error);
                output.WriteLine("      " + message.Message);
                foreach (var detail in message.Details.SkipLast(1))
                {
                    output.WriteLine("        " + detail);
                }
            }

            foreach (var difference in failure.Differences)
            {
                output.WriteLine("      " + difference.Describe());
            }

            foreach (var lost in failure.LostRows)
            {
                output.WriteLine($"      table {lost.Table}: kept {lost.Kept} of the {lost.Seeded} rows seeded before the down");
            }
        }

        if (report.NotChecked.Count > 0)
        {
            output.WriteLine(
                $"Not checked: {Report.Plural(report.NotChecked.Count, "version")} after {report.Failures[^1].Migration.Version} "
                + $"({report.NotChecked[0].Version}..{report.NotChecked[^1].Version}), which need its up.");
        }
    }
}
