using System.CommandLine;

namespace Migrations.Runner.Cli;

/// <summary>The command line: every verb wired onto one root, parse errors turned into exit code 2.</summary>
public static class RunnerCli
{
    public static RootCommand Build(RunnerConsole console)
    {
        var options = new CommonOptions();
        var root = new RootCommand(
            "Migrations.Runner: applies, reverts and checks the FluentMigrator migrations of this repository on PostgreSQL");
        options.AddGlobalsTo(root);
        root.Subcommands.Add(UpCommand.Create(options, console));
        root.Subcommands.Add(DownCommand.Create(options, console));
        root.Subcommands.Add(RollbackCommand.Create(options, console));
        root.Subcommands.Add(StatusCommand.Create(options, console));
        root.Subcommands.Add(ValidateCommand.Create(options, console));
        root.Subcommands.Add(PreviewCommand.Create(options, console));
        root.Subcommands.Add(DriftCommand.Create(options, console));
        root.Subcommands.Add(SchemaCommand.Create(options, console));
        root.Subcommands.Add(BaselineCommand.Create(options, console));
        root.Subcommands.Add(RepairCommand.Create(options, console));
        root.Subcommands.Add(ImportCommand.Create(options, console));
        root.Subcommands.Add(DiffCommand.Create(options, console));
#if DEVELOPMENT_TOOLS
        root.Subcommands.Add(NewCommand.Create(options, console));
        root.Subcommands.Add(DevDbCommand.Create(options, console));
#endif
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, RunnerConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        var parse = Build(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // The parser quotes unrecognised arguments back, and a misplaced connection string is one.
            var redactor = new Redactor(null);
            // "Required command was not provided" only restates what an unrecognised verb already says.
            var errors = parse.Errors.Count > 1
                ? parse.Errors.Where(e => e.Message != "Required command was not provided.").ToList()
                : [.. parse.Errors];
            foreach (var error in errors)
            {
                await console.Error.WriteLineAsync("error: " + redactor.Redact(error.Message));
            }

            await console.Error.WriteLineAsync("next: " + Suggestions.Next(parse));
            return ExitCodes.Usage;
        }

        // Ctrl+C cancels the run, which cancels the statement in flight and rolls back its migration; the process is
        // given time to say so before System.CommandLine ends it.
        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
        };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
