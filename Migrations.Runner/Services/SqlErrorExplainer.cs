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
    /// Finds the failing statement in the assemblies' embedded .sql files. PostgreSQL's position counts characters in
    /// the statement Npgsql sent, which is a slice of the file as written. <c>sentSql</c> is the command that failed,
    /// when known: Npgsql names the failing statement only for batches.
    /// </summary>
    public static SqlLocation? Locate(IEnumerable<Assembly> assemblies, PostgresException error, string? sentSql)
    {
        var statement = (error.BatchCommand?.CommandText ?? FailingStatement(error, sentSql))?.Trim();
        if (string.IsNullOrEmpty(statement))
        {
            return null;
        }

        foreach (var (assembly, resource) in assemblies.SelectMany(a => a.GetManifestResourceNames().Select(n => (a, n))).Where(x => x.n.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)))
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

    /// <summary>
    /// Which statement of a multi-statement command failed. The statements before it succeeded, so it is the one whose
    /// text at the error position is the token the message quotes ("relation \"x\" does not exist", "near \"x\"");
    /// failing that, the only statement long enough to hold the position.
    /// </summary>
    internal static string? FailingStatement(PostgresException error, string? sentSql)
    {
        if (sentSql is null || error.Position <= 0)
        {
            return null;
        }

        var statements = SqlStatements.Split(sentSql).Where(s => s.Text.Length >= error.Position).ToList();
        var quoted = error.MessageText.Split('"');
        if (quoted.Length >= 3)
        {
            var token = quoted[1];
            var matching = statements.Where(s => s.Text.AsSpan(error.Position - 1).StartsWith(token, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matching.Count == 1)
            {
                return matching[0].Text;
            }
        }

        return statements.Count == 1 ? statements[0].Text : null;
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
