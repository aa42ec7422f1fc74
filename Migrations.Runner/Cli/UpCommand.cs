using System.CommandLine;
using Migrations.Runner.Analysis;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class UpCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var target = CommonOptions.Target("Apply pending migrations up to and including this version (default: all)");
        var outOfOrder = new Option<bool>("--out-of-order")
        {
            Description = "Also apply pending migrations older than the newest applied one",
        };
        var dropInvalid = new Option<bool>("--drop-invalid-indexes")
        {
            Description = "Drop INVALID indexes left by an interrupted CREATE INDEX CONCURRENTLY before migrating, instead of refusing",
        };
        var ignoreUnknown = new Option<bool>("--ignore-unknown")
        {
            Description = "Migrate even though VersionInfo records versions this assembly does not have (UNKNOWN in status), "
                + "instead of refusing",
        };
        var allowRisky = new Option<bool>("--allow-risky")
        {
            Description = "Outside Development, apply migrations whose 'plan' findings reach the threshold, instead of refusing",
        };
        var failOn = PlanCommand.FailOn("up");
        var command = new Command("up", HelpText.WithExamples(
            "Apply pending migrations in version order, each in its own transaction",
            "up",
            "up --to 14 --lock-timeout 60",
            "up --json -c \"Host=db;Database=app;Username=app\""))
        {
            target, outOfOrder, dropInvalid, ignoreUnknown, allowRisky, failOn,
        };
        foreach (var option in options.Migrating)
        {
            command.Options.Add(option);
        }

        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            if (!run.Settings.IsLocal && !run.Parse.GetValue(allowRisky))
            {
                var request = new PlanRequest(
                    run.Parse.GetValue(target),
                    run.Parse.GetValue(outOfOrder),
                    run.Parse.GetValue(ignoreUnknown),
                    run.Parse.GetValue(dropInvalid));
                await PlanCommand.CheckBeforeUpAsync(run, connection, request, run.Parse.GetValue(failOn), ct);
            }

            var service = new MigrationService(run.MigrationsOnDemand, connection, run.RunOptions());
            var result = await service.UpAsync(
                run.Parse.GetValue(target),
                run.Parse.GetValue(outOfOrder),
                run.Parse.GetValue(dropInvalid),
                run.Parse.GetValue(ignoreUnknown),
                ct);
            run.SetResult(RunJson.From("up", result));
            run.Out.WriteLine(result.Steps.Count == 0
                ? $"Nothing to apply; current version {Report.Version(result.CurrentVersion)}."
                : $"Applied {Report.Plural(result.Steps.Count, "migration")} in {Report.Seconds(result.Elapsed)}; "
                  + $"current version {Report.Version(result.CurrentVersion)}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
