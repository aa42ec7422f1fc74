#if DEVELOPMENT_TOOLS
using System.CommandLine;
using Migrations.Runner.Development;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

internal static class NewCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        // Optional only for --write-down, which writes into a migration that exists; NewDownCommand requires it otherwise.
        var title = new Argument<string?>("title")
        {
            Description = "What the migration does, e.g. \"Add widgets table\"",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var sql = new Option<bool>("--sql")
        {
            Description = "Write the change as SQL files (Scripts/M....up.sql and .down.sql) instead of C#",
        };
        var directory = new Option<string?>("--directory")
        {
            Description = "The migrations project folder (default: Migrations/ of the repository)",
        };
        var command = new Command("new", HelpText.WithExamples(
            "Scaffold the next-numbered migration class; or, with --write-down, generate the Down it left to generate",
            "new \"Add widgets table\"",
            "new \"Backfill prices\" --sql",
            "new \"Add widgets table\" --sql --generate-down",
            "new --write-down 14")) { title, sql, directory };
        var down = NewDownCommand.AddOptions(command);
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            NewDownCommand.RequireConsistent(run.Parse, down, title, sql);
            var folder = run.Parse.GetValue(directory) is { } given
                ? Path.GetFullPath(given, run.Console.WorkingDirectory)
                : MigrationScaffolder.FindMigrationsDirectory(run.Console.WorkingDirectory)
                  ?? throw new RunnerErrorException(new NotInRepository(run.Console.WorkingDirectory));
            if (down.Requested(run.Parse))
            {
                return await NewDownCommand.RunAsync(run, folder, down.Version(run.Parse), ct);
            }

            var generateDown = run.Parse.GetValue(down.GenerateDown);
            var result = MigrationScaffolder.Create(folder, run.Parse.GetValue(title)!, run.Parse.GetValue(sql), generateDown);
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

            run.Error(generateDown
                ? NewDownCommand.AfterScaffold(result, run.Parse.GetValue(sql))
                : $"next: write Up() and an exact Down() for {result.ClassName}, then run the tests (they round-trip every version)");
            return ExitCodes.Success;
        });
        return command;
    }
}
#endif
