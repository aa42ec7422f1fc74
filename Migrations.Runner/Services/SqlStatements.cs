namespace Migrations.Runner.Services;

/// <summary>A statement within a larger script, and where it starts.</summary>
public sealed record SqlStatement(string Text, int Offset);

/// <summary>
/// Splits a script into statements at semicolons outside quotes, dollar quotes and comments, as Npgsql does before
/// sending a multi-statement command; each statement starts at its first non-blank character, where PostgreSQL's
/// error positions count from.
/// </summary>
public static class SqlStatements
{
    public static IReadOnlyList<SqlStatement> Split(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var statements = new List<SqlStatement>();
        var start = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\'' || c == '"')
            {
                i = SkipQuoted(sql, i, c);
            }
            else if (c == '-' && Peek(sql, i + 1) == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == '/' && Peek(sql, i + 1) == '*')
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + tag.Length;
            }
            else if (c == ';')
            {
                Add(start, i);
                start = ++i;
            }
            else
            {
                i++;
            }
        }

        Add(start, sql.Length);
        return statements;

        void Add(int from, int to)
        {
            while (from < to && char.IsWhiteSpace(sql[from]))
            {
                from++;
            }

            if (from < to)
            {
                statements.Add(new SqlStatement(sql[from..to], from));
            }
        }
    }

    private static char Peek(string sql, int index) => index < sql.Length ? sql[index] : '\0';

    private static int SkipQuoted(string sql, int i, char quote)
    {
        i++;
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (Peek(sql, i + 1) != quote)
                {
                    return i + 1;
                }

                i++;
            }

            i++;
        }

        return i;
    }

    private static int SkipBlockComment(string sql, int i)
    {
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && Peek(sql, i + 1) == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && Peek(sql, i + 1) == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    // $$ or $tag$ where the tag is an identifier; a $1 parameter is not a dollar quote.
    private static string? DollarTag(string sql, int i)
    {
        var j = i + 1;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_'))
        {
            j++;
        }

        if (j < sql.Length && sql[j] == '$' && (j == i + 1 || !char.IsDigit(sql[i + 1])))
        {
            return sql[i..(j + 1)];
        }

        return null;
    }
}
