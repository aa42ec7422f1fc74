#if DEVELOPMENT_TOOLS
using System.CommandLine;
using Migrations.Runner.Development;

namespace Migrations.Runner.Cli;

internal static class DevDbCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var command = new Command("devdb", HelpText.WithExamples(
            "Manage the local development database the runner starts when no connection is configured",
            "devdb status",
            "devdb drop"));
        command.Subcommands.Add(Sub("status", "Show where it is and whether it runs", async (run, dir, ct) =>
        {
            if (LocalPostgresCluster.Find(dir) is not { } cluster)
            {
                run.SetResult(new { Directory = dir, Exists = false, Running = false });
                run.Out.WriteLine($"No development database in {dir}.");
                return ExitCodes.Success;
            }

            var running = await cluster.IsRunningAsync(ct);
            run.SetResult(new { Directory = dir, Exists = true, Running = running, cluster.Port, Database = DevDatabase.DatabaseName });
            run.Out.WriteLine(
                $"{(running ? "Running" : "Stopped")}: {DevDatabase.DatabaseName} on 127.0.0.1:{cluster.Port}, data in {dir}");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(Sub("stop", "Stop its server (data is kept; the next verb starts it again)", async (run, dir, ct) =>
        {
            run.Out.WriteLine(await DevDatabase.StopAsync(dir, ct)
                ? $"Stopped the development database in {dir}."
                : $"No development database in {dir}.");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(Sub("drop", "Stop its server and delete its data", async (run, dir, ct) =>
        {
            run.Out.WriteLine(await DevDatabase.DropAsync(dir, ct)
                ? $"Dropped the development database in {dir}."
                : $"No development database in {dir}.");
            return ExitCodes.Success;
        }));
        return command;

        Command Sub(string name, string description, Func<Invocation, string, CancellationToken, Task<int>> action)
        {
            var sub = new Command(name, HelpText.WithExamples(description, "devdb " + name));
            Invocation.Bind(sub, options, console, async (run, ct) =>
                await action(
                    run,
                    (await DevDatabase.LocateAsync(run.Console.WorkingDirectory, run.Console.GetEnvironmentVariable, ct)).Directory,
                    ct));
            return sub;
        }
    }
}
#endif
