using System.Text.Json;
using System.Text.Json.Nodes;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>
/// The one JSON object a run prints on stdout with --json (docs/JSON.md): the verb's result on success, the error and
/// the exit code on failure.
/// </summary>
internal static class JsonOutput
{
    public const string Flag = "--json";
    public const string FormatFlag = "--format";

    /// <summary>
    /// The verb's typed result when it set one; else what it printed, when that is one JSON object already (the verbs
    /// that had --json before this mechanism); else its text lines, so that no verb ever breaks the one-object promise.
    /// </summary>
    public static string Success(object? result, string printed)
    {
        if (result is not null)
        {
            return JsonSerializer.Serialize(result, Report.Json);
        }

        var text = printed.Trim();
        try
        {
            if (text.Length > 0 && JsonNode.Parse(text) is JsonObject)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Text, not JSON: wrapped below.
        }

        return JsonSerializer.Serialize(
            new { Output = text.Length == 0 ? [] : text.ReplaceLineEndings("\n").Split('\n') }, Report.Json);
    }

    public static string Failure(string code, ErrorMessage message, Func<string, string> redact) =>
        JsonSerializer.Serialize(
            new
            {
                Error = new
                {
                    Code = code,
                    Message = redact(message.Message),
                    Details = message.Details.Select(redact).ToList(),
                    Advice = message.Advice is null ? null : redact(message.Advice),
                },
                message.ExitCode,
            },
            Report.Json);

    /// <summary>A stable, machine-readable name of the error: its record's name in kebab case.</summary>
    public static string Code(RunnerError error) => error switch
    {
        CliError { ExitCode: ExitCodes.Usage } => "usage",
        CliError => "configuration",
        _ => Kebab(error.GetType().Name),
    };

    /// <summary>Whether these arguments ask for JSON (before they could be parsed: a usage error must answer in kind).</summary>
    public static bool Requested(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == Flag && (i + 1 == args.Count || !string.Equals(args[i + 1], "false", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>--format json</c> is <c>--json</c> and <c>--format text</c> the default, so that every verb, however it reads
    /// --json, answers both; any other value is left for the parser to refuse.
    /// </summary>
    public static List<string> NormalizeFormat(IEnumerable<string> args)
    {
        var result = new List<string>();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            string? value = null;
            var consumed = 0;
            if (arg == FormatFlag && i + 1 < list.Count)
            {
                value = list[i + 1];
                consumed = 1;
            }
            else if (arg.StartsWith(FormatFlag + "=", StringComparison.Ordinal)
                || arg.StartsWith(FormatFlag + ":", StringComparison.Ordinal))
            {
                value = arg[(FormatFlag.Length + 1)..];
            }

            var json = string.Equals(value, "json", StringComparison.OrdinalIgnoreCase);
            if (json || string.Equals(value, "text", StringComparison.OrdinalIgnoreCase))
            {
                // "--json false" for text: an explicit choice on the command line, which configuration must not override.
                result.Add(Flag);
                if (!json)
                {
                    result.Add("false");
                }

                i += consumed;
                continue;
            }

            result.Add(arg);
        }

        return result;
    }

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "-") + char.ToLowerInvariant(c) : c.ToString()));
}
