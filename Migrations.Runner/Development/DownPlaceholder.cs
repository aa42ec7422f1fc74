using System.Globalization;
using Migrations.Runner.Verification;

namespace Migrations.Runner.Development;

/// <summary>The text of the down script <c>new --generate-down</c> leaves for <see cref="GeneratedDownWriter"/> to write.</summary>
internal static class DownPlaceholder
{
    public static string Text(string className, long version, string title)
    {
        var command = $"new --write-down {version.ToString(CultureInfo.InvariantCulture)}";
        return $"""
            -- {className}.down.sql: {title.Replace("\n", " ", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal)}
            -- Left to generate from the schema: once {className}'s Up is written, '{command}' writes this file with the
            -- SQL that turns the schema after the Up back into the schema before it. Until then it fails wherever it runs.
            DO $placeholder$ BEGIN RAISE EXCEPTION '{className}.down.sql {PlaceholderDown.Marker}: run ''{command}'''; END $placeholder$;

            """.ReplaceLineEndings("\n");
    }
}
