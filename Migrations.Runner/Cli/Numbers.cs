using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Migrations.Runner.Cli;

/// <summary>
/// Whole-number options parse their own values, so that a bad one is named by what was expected
/// (<c>--to: 'abc' is not a version number</c>) rather than by the .NET type the parser would convert to.
/// </summary>
internal static class Numbers
{
    public const string Version = "a version number";
    public const string Seconds = "a whole number of seconds";

    public static Option<T> Parses<T>(this Option<T> option, string expected)
        where T : struct, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(option);
        option.CustomParser = r => r.Tokens.Count == 1 ? Parse<T>(r, r.Tokens[0].Value, option.Name, expected) ?? default : default;
        return option;
    }

    public static Option<T?> ParsesOptional<T>(this Option<T?> option, string expected)
        where T : struct, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(option);
        option.CustomParser = r => r.Tokens.Count == 1 ? Parse<T>(r, r.Tokens[0].Value, option.Name, expected) : null;
        return option;
    }

    public static Option<T[]> ParsesEach<T>(this Option<T[]> option, string expected)
        where T : struct, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(option);
        option.CustomParser = r => [.. r.Tokens.Select(t => Parse<T>(r, t.Value, option.Name, expected) ?? default)];
        return option;
    }

    private static T? Parse<T>(ArgumentResult result, string token, string name, string expected)
        where T : struct, IBinaryInteger<T>
    {
        if (T.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"{name}: '{token}' is not {expected}");
        return null;
    }
}
