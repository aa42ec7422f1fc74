using Migrations.Authoring;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Verification;

/// <summary>
/// The down script <c>new --generate-down</c> leaves to generate. It raises an exception where it runs, as the other
/// stubs do, so it is never recorded as a rollback; the round trip and the writer of generated downs recognise it.
/// </summary>
public static class PlaceholderDown
{
    /// <summary>In the placeholder's one statement and in the exception it raises.</summary>
    public const string Marker = "is left to generate";

    /// <summary>A Down that failed because it is still the placeholder (its exception, SQLSTATE P0001, says so).</summary>
    public static bool Failed(MigrationFailed? failure) =>
        failure?.Sql is { SqlState: "P0001" } sql && sql.MessageText.Contains(Marker, StringComparison.Ordinal);

    /// <summary>The script's only statement is the placeholder's (comments aside).</summary>
    public static bool Is(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var statements = SqlLexer.Split(script.Replace("\r\n", "\n", StringComparison.Ordinal)).Where(s => s.HasCode).ToList();
        return statements.Count == 1 && statements[0].Text.Contains(Marker, StringComparison.Ordinal);
    }
}
