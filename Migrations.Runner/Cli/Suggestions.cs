using System.CommandLine;
using System.CommandLine.Parsing;

namespace Migrations.Runner.Cli;

/// <summary>
/// "Did you mean" for a misspelt verb or option: the nearest real one of that command by edit distance, offered only
/// when close enough that the guess is likely right.
/// </summary>
internal static class Suggestions
{
    // What other migration tools call a dry run; the runner's name for it differs by verb.
    private static readonly string[] DryRun = ["--dry-run", "--dryrun", "--what-if", "--whatif"];

    /// <summary>What to say after the parse errors: a guess for each unrecognised token, then where help is.</summary>
    public static string Next(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult.Command;
        var help = command == parse.RootCommandResult.Command
            ? "run with --help to see the verbs and their options"
            : $"run '{command.Name} --help' to see its {(command.Subcommands.Count > 0 ? "actions and " : "")}options";
        var guesses = parse.UnmatchedTokens.Select(t => Guess(parse, t)).OfType<string>().Distinct().ToList();
        return guesses.Count == 0 ? help : $"did you mean {string.Join("; or ", guesses)}? ({help})";
    }

    private static string? Guess(ParseResult parse, string token)
    {
        var command = parse.CommandResult.Command;
        if (token.StartsWith('-'))
        {
            if (DryRun.Contains(token, StringComparer.OrdinalIgnoreCase))
            {
                return command.Options.Any(o => o.Name == "--preview") ? "'--preview'"
                    : command.Name == "up" ? "the 'preview' verb, which prints the SQL up would run" : null;
            }

            return Nearest(token, OptionNames(parse.CommandResult));
        }

        // A word after a verb is a misplaced value more often than a misspelt verb; only the root takes verbs.
        return command.Subcommands.Count == 0 ? null : Nearest(token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
    }

    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is not CommandResult level)
            {
                continue;
            }

            foreach (var option in level.Command.Options.Where(o => !o.Hidden && (level == result || o.Recursive)))
            {
                yield return option.Name;
                foreach (var alias in option.Aliases)
                {
                    yield return alias;
                }
            }
        }
    }

    private static string? Nearest(string token, IEnumerable<string> candidates)
    {
        var core = token.TrimStart('-');
        if (core.Length < 2)
        {
            return null;
        }

        // One edit for short words, two for longer ones: further than that the guess is more often wrong than right.
        var allowed = core.Length <= 4 ? 1 : 2;
        var scored = candidates
            .Where(c => c.TrimStart('-').Length >= 2)
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(token.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= allowed)
            .ToList();
        if (scored.Count == 0)
        {
            return null;
        }

        var best = scored.Min(c => c.Distance);
        return string.Join(" or ", scored.Where(c => c.Distance == best).Select(c => $"'{c.Name}'").Order(StringComparer.Ordinal));
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) turning one word into the other.</summary>
    internal static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
