using System.CommandLine;
using System.Globalization;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>The effective settings, where each came from, and the variable and key that would set it (README, Configuration).</summary>
internal static class ConfigCommand
{
    private const string NotSet = "(not set)";

    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var verb = new Argument<string[]>("verb")
        {
            Description = "Show the settings as this verb sees them (its own keys, e.g. MIGRATIONS_UP__TO, included); "
                + "default: every verb's options, with the keys they share",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("config", HelpText.WithExamples(
            "Print the effective settings (password redacted), where each came from, and the variable and key that set it",
            "config",
            "config up -e Production",
            "config --json"))
        {
            verb,
        };
        Invocation.Bind(command, options, console, (run, _) =>
        {
            var root = run.Parse.RootCommandResult.Command;
            var path = run.Parse.GetValue(verb) ?? [];
            var target = Find(root, path);
            var settings = Collect(run, root, target, options);
            var environment = new { Name = run.Settings.Environment, Source = run.Settings.EnvironmentSource };
            run.SetResult(new { Verb = path.Length == 0 ? null : string.Join(' ', path), Environment = environment, Settings = settings });
            run.Out.WriteLine($"Environment: {environment.Name} (from {environment.Source})");
            var width = settings.Max(s => s.Option.Length);
            foreach (var s in settings)
            {
                run.Out.WriteLine($"  {s.Option.PadRight(width)}  {string.Join(", ", s.Values.DefaultIfEmpty(NotSet))}");
                var setWith = string.Join(" or ", new[] { s.Variable, s.Key }.OfType<string>());
                run.Out.WriteLine($"  {"".PadRight(width)}    from {s.Source}; set with {setWith}");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Find(Command root, IReadOnlyList<string> path)
    {
        var command = root;
        foreach (var name in path)
        {
            command = command.Subcommands.FirstOrDefault(c => c.Name == name)
                ?? throw new RunnerErrorException(new CliError(
                    $"config: '{string.Join(' ', path)}' is not a verb", "run 'config' alone for every verb's settings"));
        }

        return command;
    }

    private static List<SettingJson> Collect(Invocation run, Command root, Command target, CommonOptions common)
    {
        var verb = target == root ? [] : OptionConfiguration.VerbOf(target);
        var options = target == root
            ? Leaves(root).SelectMany(OptionConfiguration.OptionsOf).DistinctBy(o => o.Name).ToList()
            : [.. OptionConfiguration.OptionsOf(target)];
        var configuration = OptionConfiguration.Load(run.Console, run.Settings.Environment, verb, options);
        var redactor = new Redactor(run.Settings.ConnectionString);
        var result = new List<SettingJson>();
        foreach (var option in options.Where(o => OptionConfiguration.Configurable(o) || o == common.Connection || o == common.Environment)
                     .OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            if (option == common.Connection)
            {
                result.Add(new SettingJson(option.Name,
                    run.Settings.ConnectionString is { } cs ? [redactor.Redact(cs)] : [],
                    run.Settings.ConnectionString is null
                        ? run.Settings.IsDevelopment ? "nothing: the local development database (Development only)" : "nothing"
                        : run.Settings.Source,
                    RunnerConfiguration.ConnectionStringVariable, "ConnectionStrings:Default"));
                continue;
            }

            if (option == common.Environment)
            {
                result.Add(new SettingJson(option.Name, [run.Settings.Environment], run.Settings.EnvironmentSource,
                    RunnerConfiguration.EnvironmentVariable, null));
                continue;
            }

            var variable = OptionConfiguration.Variable(option, verb);
            var key = OptionConfiguration.NotFromFiles(option) is null ? OptionConfiguration.Key(option, verb) : null;
            var given = run.Parse.GetResult(option) is { Implicit: false } typed ? typed.Tokens.Select(t => t.Value).ToList() : null;
            var configured = configuration.Find(option, verb);
            // The options every verb takes were given to this verb's own parse from configuration as if typed: a value
            // equal to the configured one came from there.
            var fromConfiguration = configured is not null
                && (given is null || given.SequenceEqual(configured.Values) || (given.Count == 0 && configured.Values is ["true"]));
            var setting = fromConfiguration ? configured!
                : given is not null ? new OptionSetting(option.Name, given.Count == 0 ? ["true"] : given, "command line")
                : Default(option);
            result.Add(new SettingJson(option.Name, [.. setting.Values.Select(redactor.Redact)], setting.Source, variable, key));
        }

        return result;
    }

    private static OptionSetting Default(Option option)
    {
        var value = option.HasDefaultValue ? option.GetDefaultValue()
            : option.ValueType == typeof(bool) ? false
            : null;
        return new OptionSetting(
            option.Name,
            value switch
            {
                null => [],
                bool b => [b ? "true" : "false"],
                IFormattable f => [f.ToString(null, CultureInfo.InvariantCulture)],
                _ => [value.ToString() ?? ""],
            },
            "default");
    }

    private static IEnumerable<Command> Leaves(Command command) =>
        command.Subcommands.Count == 0 ? [command] : command.Subcommands.SelectMany(Leaves);
}

/// <summary>One setting as config prints it: its values, where they came from, and what would set it.</summary>
internal sealed record SettingJson(string Option, IReadOnlyList<string> Values, string Source, string? Variable, string? Key);
