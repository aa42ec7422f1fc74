using System.Reflection;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>Where in which embedded SQL file a failing statement sits.</summary>
public sealed record SqlLocation(string File, int Line, int Column);

/// <summary>Turns a PostgreSQL error inside a migration into golang-migrate style lines: SQLSTATE, message, detail, hint, file and line.</summary>
internal static class SqlErrorExplainer
{
    public static PostgresException? FindPostgresError(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
            {
                return pg;
            }
        }

        return null;
    }

    /// <summary>
    /// Finds the failing statement in the assembly's embedded .sql files. PostgreSQL's position counts characters in
    /// the statement Npgsql sent, which is a slice of the file as written.
    /// </summary>
    public static SqlLocation? Locate(Assembly assembly, PostgresException error)
    {
        var statement = error.BatchCommand?.CommandText?.Trim();
        if (string.IsNullOrEmpty(statement))
        {
            return null;
        }

        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)))
        {
            using var stream = assembly.GetManifestResourceStream(resource);
            if (stream is null)
            {
                continue;
            }

            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            var start = text.IndexOf(statement.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            var offset = start + Math.Max(error.Position - 1, 0);
            var line = 1 + text.AsSpan(0, offset).Count('\n');
            var column = offset - (text.LastIndexOf('\n', Math.Max(offset - 1, 0)) + 1) + 1;
            return new SqlLocation(DisplayName(resource), line, column);
        }

        return null;
    }

    /// <summary>Indented detail lines for a PostgreSQL error, in the order a reader needs them.</summary>
    public static IReadOnlyList<string> Details(PostgresException error, SqlLocation? location)
    {
        var lines = new List<string>();
        if (location is not null)
        {
            lines.Add($"at {location.File} line {location.Line}, column {location.Column}");
        }
        else if (error.BatchCommand?.CommandText is { Length: > 0 } sql)
        {
            var firstLine = sql.Trim().Split('\n')[0].Trim();
            lines.Add($"in statement: {(firstLine.Length > 120 ? firstLine[..120] + "..." : firstLine)}");
        }

        if (!string.IsNullOrEmpty(error.Detail))
        {
            lines.Add("detail: " + error.Detail);
        }

        if (!string.IsNullOrEmpty(error.Hint))
        {
            lines.Add("hint: " + error.Hint);
        }

        if (!string.IsNullOrEmpty(error.Where))
        {
            lines.Add("where: " + error.Where.ReplaceLineEndings(" | "));
        }

        return lines;
    }

    // The Migrations project embeds legacy-sql/x.sql as LegacySql.x.sql: show the path a developer opens.
    private static string DisplayName(string resource) =>
        resource.StartsWith("LegacySql.rollback.", StringComparison.Ordinal) ? "legacy-sql/rollback/" + resource["LegacySql.rollback.".Length..]
        : resource.StartsWith("LegacySql.", StringComparison.Ordinal) ? "legacy-sql/" + resource["LegacySql.".Length..]
        : resource;
}
