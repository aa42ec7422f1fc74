using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>The wording of the verify verb's errors.</summary>
internal static class VerifyErrorText
{
    internal static ErrorMessage? TryDescribe(RunnerError error) => error switch
    {
        RoundTripRangeEmpty e => new(
            $"no migration from {e.From?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the first"} "
            + $"to {e.To?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the last"}",
            "pass --from at or below --to (versions as 'status' lists them)", ExitCodes.Usage),
        _ => null,
    };
}
