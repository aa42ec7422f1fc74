using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Migrations.Runner.Execution;

namespace Migrations.Runner.Cli;

/// <summary>How results read on stdout: plain text for people (no colour, no emoji), JSON for machines.</summary>
internal static class Report
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Read by people too: quotes and apostrophes as themselves, not \u0027 (stdout is never HTML).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Step(MigrationStep step) =>
        string.Create(CultureInfo.InvariantCulture,
            $"  {step.Migration.Version,5}  {step.Migration.Name,-44} {Milliseconds(step.Elapsed),8}");

    public static string Milliseconds(TimeSpan elapsed) =>
        elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static string Seconds(TimeSpan elapsed) =>
        elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    public static string Utc(DateTime? value) =>
        value is { } v ? v.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "";

    /// <summary>A checksum's first 12 digits, as people compare them; a stored one may be anything, edited by hand.</summary>
    public static string Checksum(string checksum) =>
        checksum.Length == 0 ? "(none)" : checksum.Length <= 12 ? checksum : checksum[..12] + "...";

    public static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    public static string Version(long? version) => version?.ToString(CultureInfo.InvariantCulture) ?? "0 (none applied)";
}
