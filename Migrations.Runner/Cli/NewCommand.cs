#if DEVELOPMENT_TOOLS
using System.CommandLine;
using Migrations.Runner.Development;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

internal static class NewCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var title = new Argument<string>("title") { Description = "What the migration does, e.g. \"Add widgets table\"" };
        var sql = new Option<bool>("--sql")
        {
            Description = "Write the change as SQL files (Scripts/M....up.sql and .down.sql) instead of C#",
        };
        var directory = new Option<string?>("--directory")
        {
            Description = "The migrations project folder (default: Migrations/ of the repository)",
        };
        var command = new Command("new", HelpText.WithExamples(
            "Scaffold the next-numbered migration class",
            "new \"Add widgets table\"",
            "new \"Backfill prices\" --sql")) { title, sql, directory };
        Invocation.Bind(command, options, console, (run, _) =>
        {
            var folder = run.Parse.GetValue(directory) is { } given
                ? Path.GetFullPath(given, run.Console.WorkingDirectory)
                : MigrationScaffolder.FindMigrationsDirectory(run.Console.WorkingDirectory)
                  ?? throw new RunnerErrorException(new NotInRepository(run.Console.WorkingDirectory));
            var result = MigrationScaffolder.Create(folder, run.Parse.GetValue(title)!, run.Parse.GetValue(sql));
            run.SetResult(new
            {
                result.Version,
                result.ClassName,
                Files = result.Files.Select(f => Path.GetRelativePath(run.Console.WorkingDirectory, f)).ToList(),
            });
            foreach (var file in result.Files)
            {
                run.Out.WriteLine(Path.GetRelativePath(run.Console.WorkingDirectory, file));
            }

            run.Error($"next: write Up() and an exact Down() for {result.ClassName}, then run the tests (they round-trip every version)");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
#endif
