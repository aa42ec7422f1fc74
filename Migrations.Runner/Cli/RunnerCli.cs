using System.CommandLine;
using Migrations.Runner.Errors;

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
        root.Subcommands.Add(PlanCommand.Create(options, console));
        root.Subcommands.Add(ImportCommand.Create(options, console));
        root.Subcommands.Add(DiffCommand.Create(options, console));
        root.Subcommands.Add(VerifyCommand.Create(options, console));
        root.Subcommands.Add(ConfigCommand.Create(options, console));
#if DEVELOPMENT_TOOLS
        root.Subcommands.Add(NewCommand.Create(options, console));
        root.Subcommands.Add(DevDbCommand.Create(options, console));
#endif
        HelpText.Apply(root);
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, RunnerConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        // The parser quotes unrecognised arguments back, and a misplaced connection string is one.
        var redactor = new Redactor(null);
        var root = Build(console);
        ConfiguredParse configured;
        try
        {
            configured = ParseConfigured(root, args, console);
        }
        catch (RunnerErrorException e)
        {
            var message = ErrorText.Describe(e.Error);
            ErrorReport.Write(console.Error, message, redactor.Redact);
            if (JsonOutput.Requested(JsonOutput.NormalizeFormat(args)))
            {
                await console.Out.WriteLineAsync(JsonOutput.Failure(JsonOutput.Code(e.Error), message, redactor.Redact));
            }

            return message.ExitCode;
        }

        var parse = configured.Parse;
        if (parse.Errors.Count > 0)
        {
            // "Required command was not provided" only restates what an unrecognised verb already says.
            var errors = (parse.Errors.Count > 1
                    ? parse.Errors.Where(e => e.Message != "Required command was not provided.")
                    : parse.Errors)
                .Select(e => configured.Annotate(e.Message))
                .ToList();
            var message = new ErrorMessage(errors[0], Suggestions.Next(parse), ExitCodes.Usage, [.. errors.Skip(1)]);
            foreach (var error in errors)
            {
                await console.Error.WriteLineAsync("error: " + redactor.Redact(error));
            }

            await console.Error.WriteLineAsync("next: " + message.Advice);
            if (JsonOutput.Requested(configured.Arguments))
            {
                await console.Out.WriteLineAsync(JsonOutput.Failure("usage", message, redactor.Redact));
            }

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

    /// <summary>
    /// Parses the command line, then gives the parser what configuration sets for every option the command line left out
    /// (OptionConfiguration), as if typed after it.
    /// </summary>
    internal static ConfiguredParse ParseConfigured(RootCommand root, IReadOnlyList<string> args, RunnerConsole console)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(console);
        var typed = JsonOutput.NormalizeFormat(args);
        var first = root.Parse(typed);
        var command = first.CommandResult.Command;
        var verb = OptionConfiguration.VerbOf(command);
        var options = OptionConfiguration.OptionsOf(command).ToList();
        var environmentOption = options.OfType<Option<string?>>().FirstOrDefault(o => o.Name == "--environment");
        var (environment, _) = RunnerConfiguration.ResolveEnvironment(
            environmentOption is null ? null : first.GetValue(environmentOption), console.GetEnvironmentVariable);
        var configuration = OptionConfiguration.Load(console, environment, verb, options);
        var injected = new List<OptionSetting>();
        var tokens = new List<string>();
        foreach (var option in options)
        {
            if (first.GetResult(option) is not { Implicit: false } && configuration.Find(option, verb) is { } setting)
            {
                injected.Add(setting);
                tokens.AddRange(OptionConfiguration.Tokens(option, setting));
            }
        }

        if (tokens.Count == 0)
        {
            return new ConfiguredParse(first, typed, injected);
        }

        // Before a "--", after which everything is an argument.
        var end = typed.IndexOf("--");
        var merged = end < 0 ? [.. typed, .. tokens] : typed[..end].Concat(tokens).Concat(typed[end..]).ToList();
        merged = JsonOutput.NormalizeFormat(merged);
        return new ConfiguredParse(root.Parse(merged), merged, injected);
    }
}

/// <summary>A parse with the configured settings in it, and which settings those were (to name them in errors).</summary>
internal sealed record ConfiguredParse(ParseResult Parse, IReadOnlyList<string> Arguments, IReadOnlyList<OptionSetting> Configured)
{
    /// <summary>A parser error about a configured option says where its value came from.</summary>
    public string Annotate(string message) =>
        Configured.FirstOrDefault(s => message.Contains(s.Option, StringComparison.Ordinal)) is { } setting
            ? $"{message} (from {setting.Source})"
            : message;
}
