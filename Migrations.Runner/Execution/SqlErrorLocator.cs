using System.Reflection;
using Migrations.Authoring;
using Migrations.Runner.Errors;
using Npgsql;

namespace Migrations.Runner.Execution;

/// <summary>What a PostgreSQL error inside a migration says, and where in which embedded SQL file it happened.</summary>
internal static class SqlErrorLocator
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

        foreach (var (assembly, resource) in assemblies
            .SelectMany(a => a.GetManifestResourceNames().Select(n => (a, n)))
            .Where(x => x.n.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)))
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

            var (line, column) = LineAndColumn(text, start + Math.Max(error.Position - 1, 0));
            return new SqlLocation(DisplayName(resource), line, column);
        }

        // SQL written inline (Execute.Sql) has no file: the place is counted within its statement.
        if (error.Position <= 0 || error.Position > statement.Length + 1)
        {
            return null;
        }

        var inline = statement.Replace("\r\n", "\n", StringComparison.Ordinal);
        var (inLine, inColumn) = LineAndColumn(inline, Math.Min(error.Position - 1, inline.Length));
        return new SqlLocation(null, inLine, inColumn) { Statement = inline };
    }

    private static (int Line, int Column) LineAndColumn(string text, int offset) =>
        (1 + text.AsSpan(0, offset).Count('\n'), offset - (text.LastIndexOf('\n', Math.Max(offset - 1, 0)) + 1) + 1);

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

        var statements = SqlLexer.Split(sentSql).Where(s => s.Text.Length >= error.Position).ToList();
        var quoted = error.MessageText.Split('"');
        if (quoted.Length >= 3)
        {
            var token = quoted[1];
            var matching = statements
                .Where(s => s.Text.AsSpan(error.Position - 1).StartsWith(token, StringComparison.OrdinalIgnoreCase))
                .ToList();
            if (matching.Count == 1)
            {
                return matching[0].Text;
            }
        }

        return statements.Count == 1 ? statements[0].Text : null;
    }

    /// <summary>The error as data, with the statement Npgsql names for a batch.</summary>
    public static SqlFailure Describe(PostgresException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new SqlFailure(
            error.SqlState,
            error.MessageText,
            NullIfEmpty(error.Detail),
            NullIfEmpty(error.Hint),
            NullIfEmpty(error.Where),
            NullIfEmpty(error.BatchCommand?.CommandText));
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    // The Migrations project embeds legacy-sql/x.sql as LegacySql.x.sql: show the path a developer opens.
    private static string DisplayName(string resource) =>
        resource.StartsWith("LegacySql.rollback.", StringComparison.Ordinal)
            ? "legacy-sql/rollback/" + resource["LegacySql.rollback.".Length..]
        : resource.StartsWith("LegacySql.", StringComparison.Ordinal)
            ? "legacy-sql/" + resource["LegacySql.".Length..]
        : resource;

    /// <summary>The innermost message's first line, at most 300 characters: what an error that is not PostgreSQL's says.</summary>
    internal static string Flatten(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var inner = error;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var first = inner.Message.Split('\n')[0].Trim();
        return first.Length > 300 ? first[..300] + "..." : first;
    }
}
