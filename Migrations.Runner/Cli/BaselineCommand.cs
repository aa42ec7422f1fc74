using System.CommandLine;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class BaselineCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var version = new Option<long>("--version") { Description = "The migration version the database already matches" }
            .Parses(Numbers.Version);
        var fromHistory = HistoryAdoption.Option();
        var force = new Option<bool>("--force")
        {
            Description = "Record the versions even when the schema differs (the differences are printed)",
        };
        var command = new Command(
            "baseline",
            HelpText.WithExamples(
                "Adopt a database built by hand: prove its schema equals migrations 1..V, then record them as applied without running them",
                "baseline --version 11",
                "baseline --version 11 --force -e Production --yes"))
        {
            version, fromHistory, force, options.ShadowConnection, options.LockTimeout, options.Yes,
        };
        HistoryAdoption.Validate(command, version, fromHistory);
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            if (run.Parse.GetValue(fromHistory))
            {
                return await HistoryAdoption.RunAsync(run, force, ct);
            }

            var connection = await run.ConnectionStringAsync(ct);
            run.ConfirmDestructive("baseline");
            var service = new SchemaTruthService(run.Migrations, connection, run.RunOptions());
            var result = await service.BaselineAsync(
                run.Parse.GetValue(version), run.Parse.GetValue(force), run.ShadowConnection, ct);
            foreach (var overridden in result.Overridden)
            {
                run.Error("overridden by --force: " + overridden.Describe());
            }

            run.SetResult(new
            {
                result.Version,
                Proved = result.Overridden.Count == 0,
                Recorded = result.Recorded.Select(m => new { m.Version, m.Name }).ToList(),
                Overridden = result.Overridden.Select(d => d.Describe()).ToList(),
            });
            run.Out.WriteLine(result.Overridden.Count == 0
                ? $"Proved: the schema equals migrations 1..{result.Version}."
                : $"Not proved: {Report.Plural(result.Overridden.Count, "difference")} overridden by --force.");
            run.Out.WriteLine(
                $"Recorded {Report.Plural(result.Recorded.Count, "migration")} as applied; 'up' applies {result.Version + 1} onwards.");
            return ExitCodes.Success;
        });
        return command;
    }
}
