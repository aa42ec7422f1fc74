using System.CommandLine;
using Migrations.Runner.Cli;

namespace Migrations.Tests.Shipping;

/// <summary>Every verb of the real command line, as RunnerCli.Build wires it: the walks below cover verbs added later too.</summary>
internal static class Verbs
{
    public static RootCommand Root() => RunnerCli.Build(new RunnerConsole(TextWriter.Null, TextWriter.Null, _ => null, Path.GetTempPath()));

    /// <summary>The commands that run (have an action), each with its path below the root: ["up"], ["devdb", "status"].</summary>
    public static List<(Command Command, string[] Path)> Runnable() => Tree().Runnable;

    /// <summary>One tree and its runnable commands, for a walk that parses with the same option instances it inspects.</summary>
    public static (RootCommand Root, List<(Command Command, string[] Path)> Runnable) Tree()
    {
        var root = Root();
        var result = new List<(Command, string[])>();
        Walk(root, []);
        return (root, result);

        void Walk(Command command, string[] path)
        {
            if (command.Action is not null && path.Length > 0)
            {
                result.Add((command, path));
            }

            foreach (var sub in command.Subcommands)
            {
                Walk(sub, [.. path, sub.Name]);
            }
        }
    }

    /// <summary>Every command below the root, runnable or a group of verbs.</summary>
    public static List<(Command Command, string[] Path)> All()
    {
        var result = new List<(Command, string[])>();
        foreach (var sub in Root().Subcommands)
        {
            Walk(sub, [sub.Name]);
        }

        return result;

        void Walk(Command command, string[] path)
        {
            result.Add((command, path));
            foreach (var sub in command.Subcommands)
            {
                Walk(sub, [.. path, sub.Name]);
            }
        }
    }

    /// <summary>A value an option of this type accepts, as typed: for a walk that must not know the options.</summary>
    public static string[] Sample(Option option)
    {
        // Options with a syntax of their own take a value of it.
        if (Samples.TryGetValue(option.Name, out var given))
        {
            return given;
        }

        var type = option.ValueType;
        var element = type.IsArray ? type.GetElementType()! : Nullable.GetUnderlyingType(type) ?? type;
        var one = element == typeof(bool) ? "true"
            : element == typeof(string) ? "sample"
            : "7";
        return type.IsArray ? [one, element == typeof(string) ? "other" : "8"] : [one];
    }

    private static readonly Dictionary<string, string[]> Samples = new(StringComparer.Ordinal)
    {
        ["--fail-on"] = ["rewrite", "access-exclusive:200k"],
    };

    /// <summary>
    /// An option its verb refuses together with another: baseline's --from-history with --version, plan's --markdown with --json.
    /// </summary>
    public static bool ExcludesOthers(Option option) => option.Name is "--from-history" or "--markdown";

    /// <summary>Values for the command's required arguments, so that it parses.</summary>
    public static IEnumerable<string> RequiredArguments(Command command) =>
        command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(_ => "Json walk");
}
