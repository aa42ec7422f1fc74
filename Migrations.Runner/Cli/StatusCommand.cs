using System.CommandLine;
using System.Text.Json;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class StatusCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var check = new Option<bool>("--check")
        {
            Description = $"Exit {ExitCodes.CheckFailed} when migrations are pending, an applied migration's SQL changed since it "
                + "ran (CHANGED), or an applied version is not in the assembly (UNKNOWN); for CI and deploy scripts",
        };
        var command = new Command("status", HelpText.WithExamples(
            "List every migration as applied or pending, and applied versions the assembly does not know",
            "status",
            "status --check   # exit 3 when anything is pending, CHANGED or UNKNOWN",
            "status --json | jq .check"))
        {
            options.Json, check,
        };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            var report = await new StatusService(run.MigrationsOnDemand, connection).ReadAsync(ct);
            if (run.Parse.GetValue(options.Json))
            {
                run.Out.WriteLine(JsonSerializer.Serialize(report, Report.Json));
            }
            else
            {
                Print(run.Out, report);
            }

            return run.Parse.GetValue(check) && !report.Check.Passed ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
        return command;
    }

    private static void Print(TextWriter output, StatusReport report)
    {
        var current = report.Migrations.LastOrDefault(m => m.Version == report.Current);
        var latest = report.Migrations.Count == 0 ? null : report.Migrations[^1];
        var check = report.Check;
        var problems = new[] { (check.Pending, "PENDING"), (check.Changed, "CHANGED"), (check.Unknown, "UNKNOWN") }
            .Where(p => p.Item1 > 0)
            .Select(p => p.Item2)
            .ToList();
        output.WriteLine($"Status:   {(problems.Count == 0 ? "UP TO DATE" : string.Join(", ", problems))}");
        output.WriteLine(
            $"Current:  {Report.Version(report.Current)}"
            + (current is null ? "" : $"  {current.Name} (applied {Report.Utc(current.AppliedOnUtc)})"));
        output.WriteLine($"Latest:   {report.Latest}{(latest is null ? "" : $"  {latest.Name}")}");
        output.WriteLine(
            $"Applied:  {report.AppliedCount}   Pending: {report.PendingCount}"
            + (check.Changed > 0 ? $"   Changed: {check.Changed}" : "")
            + (check.Unknown > 0 ? $"   Unknown: {check.Unknown}" : "")
            + (report.VersionTableExists ? "" : "   (VersionInfo not created yet)"));
        output.WriteLine();
        foreach (var m in report.Migrations)
        {
            var state = m.State == MigrationState.Applied ? "applied" : "pending";
            output.WriteLine($"  {state,-8} {m.Version,5}  {m.Name,-44} {Report.Utc(m.AppliedOnUtc),-20} {m.Description}");
        }

        foreach (var changed in report.ChangedSinceApplied)
        {
            output.WriteLine(
                $"  CHANGED  {changed.Version,5}  {changed.Name,-44} the SQL differs from what ran "
                + $"(accept with: repair --accept {changed.Version})");
        }

        foreach (var unknown in report.UnknownApplied)
        {
            output.WriteLine(
                $"  UNKNOWN  {unknown.Version,5}  {"(not in the migrations assembly)",-44} "
                + $"{Report.Utc(unknown.AppliedOnUtc),-20} {unknown.Description}");
        }
    }
}
