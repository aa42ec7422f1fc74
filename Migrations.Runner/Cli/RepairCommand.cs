using System.CommandLine;
using Migrations.Runner.History;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class RepairCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var accept = new Option<long[]>("--accept")
        {
            Description = "Accept the current SQL of this applied migration as what ran (repeat for several)",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        }.ParsesEach(Numbers.Version);
        var command = new Command(
            "repair",
            HelpText.WithExamples(
                "Record the current checksum of applied migrations whose SQL was edited since they ran, keeping the old one in "
                + ChecksumStore.HistoryTable,
                "repair --accept 12",
                "repair --accept 12 --accept 13 -e Production --yes"))
        {
            accept, options.LockTimeout, options.Yes,
        };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            run.ConfirmDestructive("accept changed migrations");
            var service = new RepairService(run.Migrations, connection, run.RunOptions());
            var outcomes = await service.AcceptAsync(run.Parse.GetValue(accept)!, ct);
            run.SetResult(new
            {
                Accepted = outcomes.Select(o => new { o.Version, o.Name, o.Unchanged, Previous = o.Recorded, o.Current }).ToList(),
            });
            foreach (var outcome in outcomes)
            {
                run.Out.WriteLine(outcome.Unchanged
                    ? $"nothing to accept for {outcome.Version} {outcome.Name}: its SQL is what ran (checksum {Short(outcome.Current)})"
                    : $"accepted {outcome.Version} {outcome.Name}: checksum {Short(outcome.Recorded)} -> {Short(outcome.Current)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Short(string checksum) => Report.Checksum(checksum).TrimEnd('.');
}
