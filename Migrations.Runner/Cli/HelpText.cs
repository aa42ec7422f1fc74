using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace Migrations.Runner.Cli;

/// <summary>
/// Help that shows how a verb is used, as <c>git</c> and <c>dotnet ef</c> do: the description, then examples. A verb's
/// description carries its examples after <see cref="Marker"/>; <see cref="Apply"/> moves them to a section of their
/// own, so that the list of verbs shows one line each.
/// </summary>
internal static class HelpText
{
    /// <summary>The command name of the installed tool (ToolCommandName in Migrations.Runner.csproj) and of the bundle.</summary>
    public const string Tool = "migrations";

    private const string Marker = "\n\nExamples:\n";

    private static readonly ConditionalWeakTable<Command, string> Examples = [];

    public static string WithExamples(string description, params string[] examples) =>
        description + Marker + string.Join("\n", examples.Select(e => "  " + Tool + " " + e));

    /// <summary>Splits every command's examples from its description, to show them only in that command's own help.</summary>
    public static void Apply(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Split(root);
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: SynchronousCommandLineAction help } option)
        {
            option.Action = new ExamplesHelpAction(help);
        }
    }

    private static void Split(Command command)
    {
        if (command.Description is { } description && description.IndexOf(Marker, StringComparison.Ordinal) is var at and >= 0)
        {
            command.Description = description[..at];
            Examples.AddOrUpdate(command, description[(at + Marker.Length)..]);
        }

        foreach (var sub in command.Subcommands)
        {
            Split(sub);
        }
    }

    /// <summary>The parser's help, with the command's examples under its description while it is written.</summary>
    private sealed class ExamplesHelpAction(SynchronousCommandLineAction help) : SynchronousCommandLineAction
    {
        // As the parser's own help: `down --help` answers although --to is required.
        public override bool ClearsParseErrors => help.ClearsParseErrors;

        public override int Invoke(ParseResult parseResult)
        {
            var command = parseResult.CommandResult.Command;
            if (!Examples.TryGetValue(command, out var examples))
            {
                return help.Invoke(parseResult);
            }

            var description = command.Description;
            command.Description = description + Marker + examples;
            try
            {
                return help.Invoke(parseResult);
            }
            finally
            {
                command.Description = description;
            }
        }
    }
}
