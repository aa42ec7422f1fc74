using System.CommandLine;
using System.CommandLine.Help;
using Microsoft.Extensions.Configuration;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>Where a setting came from: the command line, an environment variable, a file, or the option's default.</summary>
/// <param name="Option">The option's name, e.g. <c>--lock-timeout</c>.</param>
/// <param name="Values">The raw values as given (several for a repeatable option).</param>
/// <param name="Source">The variable's or file's name, <c>command line</c>, or <c>default</c>.</param>
internal sealed record OptionSetting(string Option, IReadOnlyList<string> Values, string Source);

/// <summary>
/// Every option of every verb read from configuration, with the connection string's precedence: the command line, then
/// environment variables (<c>MIGRATIONS_LOCK_TIMEOUT</c>), then <c>appsettings.{Environment}.json</c>, then
/// <c>appsettings.json</c> (section <c>Migrations</c>, key <c>LockTimeout</c>). Keys derive from the option's name, so an
/// option added later is configurable with no edit here; a verb's own key (<c>MIGRATIONS_UP__TO</c>,
/// <c>Migrations:Up:To</c>) wins over the shared one within a source. Values found are given to the parser as if typed,
/// so they meet the same validation and errors.
/// </summary>
internal sealed class OptionConfiguration
{
    public const string Section = "Migrations";
    public const string VariablePrefix = "MIGRATIONS_";

    private readonly List<(string Name, IConfiguration Configuration, Dictionary<string, string>? Variables)> _sources;

    private OptionConfiguration(List<(string, IConfiguration, Dictionary<string, string>?)> sources) => _sources = sources;

    /// <summary>Why an option is not read from a source, or null when it is (the test of every option asks this).</summary>
    public static string? NotFromFiles(Option option) => option.Name switch
    {
        "--yes" => "a confirmation is given per run: a file would confirm every run in that environment",
        "--environment" => "the environment decides which appsettings.{Environment}.json is read",
        _ => null,
    };

    /// <summary>Options with sources of their own (RunnerConfiguration), and the parser's own --help and --version.</summary>
    public static bool Configurable(Option option) =>
        option is not (HelpOption or VersionOption) && option.Name is not ("--connection" or "--environment");

    /// <summary>An option's variable: <c>--lock-timeout</c> is MIGRATIONS_LOCK_TIMEOUT, or MIGRATIONS_UP__LOCK_TIMEOUT for up.</summary>
    public static string Variable(Option option, IReadOnlyList<string> verb) =>
        VariablePrefix + string.Concat(verb.Select(v => Upper(v) + "__")) + Upper(option.Name.TrimStart('-'));

    /// <summary>An option's key: <c>--lock-timeout</c> is Migrations:LockTimeout, or Migrations:up:LockTimeout for up.</summary>
    public static string Key(Option option, IReadOnlyList<string> verb) =>
        string.Join(':', [Section, .. verb, Pascal(option.Name.TrimStart('-'))]);

    /// <summary>The verb path of a command below the root: <c>["up"]</c>, <c>["devdb", "status"]</c>.</summary>
    public static IReadOnlyList<string> VerbOf(Command command)
    {
        var path = new List<string>();
        for (var c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            path.Insert(0, c.Name);
        }

        return path;
    }

    /// <summary>The options a command takes: its own and the recursive ones of the commands above it.</summary>
    public static IEnumerable<Option> OptionsOf(Command command)
    {
        var seen = new HashSet<Option>(command.Options);
        foreach (var option in command.Options)
        {
            yield return option;
        }

        for (var c = command.Parents.OfType<Command>().FirstOrDefault(); c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            foreach (var option in c.Options.Where(o => o.Recursive && seen.Add(o)))
            {
                yield return option;
            }
        }
    }

    /// <summary>Reads the files of <paramref name="environment"/> and the variables of <paramref name="options"/>.</summary>
    public static OptionConfiguration Load(
        RunnerConsole console, string environment, IReadOnlyList<string> verb, IEnumerable<Option> options)
    {
        ArgumentNullException.ThrowIfNull(console);
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in options.Where(Configurable))
        {
            foreach (var scope in Scopes(verb))
            {
                var variable = Variable(option, scope);
                var key = Key(option, scope);
                if (console.GetEnvironmentVariable(variable) is { } value)
                {
                    variables[key] = value;
                    names[key] = variable;
                }

                // Repeatable options, as Microsoft.Extensions.Configuration spells arrays: MIGRATIONS_ASSEMBLY__0, __1, ...
                for (var i = 0; console.GetEnvironmentVariable($"{variable}__{i}") is { } item; i++)
                {
                    variables[$"{key}:{i}"] = item;
                    names[key] = $"{variable}__{i}";
                }
            }
        }

        var sources = new List<(string, IConfiguration, Dictionary<string, string>?)>
        {
            ("environment", new ConfigurationBuilder().AddInMemoryCollection(variables!).Build(), names),
        };
        foreach (var file in new[] { $"appsettings.{environment}.json", "appsettings.json" })
        {
            foreach (var directory in new[] { console.WorkingDirectory, AppContext.BaseDirectory }.Distinct())
            {
                var path = Path.Combine(directory, file);
                if (File.Exists(path))
                {
                    sources.Add((directory == console.WorkingDirectory ? file : path, Read(path), null));
                }
            }
        }

        return new OptionConfiguration(sources);
    }

    /// <summary>The configured value of <paramref name="option"/> for <paramref name="verb"/>, or null when none is.</summary>
    public OptionSetting? Find(Option option, IReadOnlyList<string> verb)
    {
        ArgumentNullException.ThrowIfNull(option);
        if (!Configurable(option))
        {
            return null;
        }

        foreach (var (name, configuration, variables) in _sources)
        {
            if (variables is null && NotFromFiles(option) is not null)
            {
                continue;
            }

            foreach (var scope in Scopes(verb))
            {
                var key = Key(option, scope);
                var section = configuration.GetSection(key);
                List<string> values = section.Value is { } single
                    ? [single]
                    : section.GetChildren().Where(c => c.Value is not null).OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue)
                        .Select(c => c.Value!).ToList();
                if (values.Count > 0)
                {
                    return new OptionSetting(option.Name, values, variables is null ? $"{name} ({key})" : variables[key]);
                }
            }
        }

        return null;
    }

    /// <summary>The tokens that give <paramref name="setting"/> to the parser, as if typed.</summary>
    public static IEnumerable<string> Tokens(Option option, OptionSetting setting)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(setting);
        if (option.Arity.MaximumNumberOfValues > 1 && !option.AllowMultipleArgumentsPerToken)
        {
            return setting.Values.SelectMany(v => new[] { option.Name, v });
        }

        return [option.Name, .. setting.Values];
    }

    // The verb's own key first, then the one every verb shares.
    private static IEnumerable<IReadOnlyList<string>> Scopes(IReadOnlyList<string> verb) => verb.Count == 0 ? [verb] : [verb, []];

    private static IConfiguration Read(string path)
    {
        try
        {
            return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (InvalidDataException e)
        {
            throw new RunnerErrorException(new CliError(
                $"{path} is not valid JSON: {e.InnerException?.Message ?? e.Message}", "fix the file or pass --connection"));
        }
    }

    private static string Upper(string name) => name.Replace('-', '_').ToUpperInvariant();

    private static string Pascal(string name) =>
        string.Concat(name.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
