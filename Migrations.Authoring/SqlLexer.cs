using System.Diagnostics.CodeAnalysis;

namespace Migrations.Authoring;

/// <summary>
/// Only the kinds that can hide or end a statement are told apart; the rest is words and single characters, which is all that
/// splitting and keyword checks need, and keeps the lexer from pretending to parse.
/// </summary>
public enum SqlTokenKind
{
    /// <summary>Trimmed from statements; includes U+FEFF so a byte-order mark never reads as code.</summary>
    Whitespace,
    /// <summary><c>--</c> to the end of the line: a <c>;</c> in it ends nothing.</summary>
    LineComment,
    /// <summary>Nested as PostgreSQL nests them, so a <c>;</c> after an inner <c>*/</c> is still comment.</summary>
    BlockComment,
    /// <summary>Identifier, keyword, number or <c>$1</c> parameter: the atoms a keyword check reads.</summary>
    Word,
    /// <summary>A name, never a keyword, even when it spells one.</summary>
    QuotedIdentifier,
    /// <summary>A literal with its prefix (<c>E</c>, <c>U&amp;</c>, <c>B</c>, <c>X</c>, <c>N</c>), which decides where it ends.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The SQL term; the API is fixed.")]
    String,
    /// <summary>Function and DO bodies, whose semicolons belong to the body.</summary>
    DollarQuoted,
    /// <summary>Ends a statement when at top level.</summary>
    Semicolon,
    /// <summary>Any other single character; operators are not joined because nothing here needs them whole.</summary>
    Other,
}

/// <summary>
/// A span of the input rather than a copy, so tokenizing a large script allocates nothing per token and positions map straight back
/// to the file. <c>Unterminated</c> marks a construct that ran to the end of input: it swallowed every <c>;</c> after its start, so
/// the server would reject it, and a caller should say so instead of running a statement that ate the rest of the file.
/// </summary>
public readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length, bool Unterminated = false)
{
    /// <summary>Trivia never changes what a statement does, so it is skipped when deciding whether there is code, or how it ends.</summary>
    public bool IsTrivia => Kind is SqlTokenKind.Whitespace or SqlTokenKind.LineComment or SqlTokenKind.BlockComment;
}

/// <summary>
/// One statement as the server will receive it. Leading comments stay in <see cref="Text"/> because they document the statement and
/// show up in server logs; <see cref="Offset"/> and <see cref="Line"/> (1-based, counting <c>\n</c>) point an error back to the
/// file. The terminating <c>;</c> is left out so the text can be sent or wrapped as is.
/// </summary>
public sealed record SqlStatement(string Text, int Offset, int Line)
{
    /// <summary>A chunk of comments is a statement to the file but nothing to the server, which would reject it as empty.</summary>
    public bool HasCode => SqlLexer.Tokenize(Text).Any(token => !token.IsTrivia);

    /// <summary>
    /// Lets a caller recognise a statement (<c>CREATE INDEX CONCURRENTLY</c>, <c>VACUUM</c>) without being fooled by comments, case or
    /// quoted names. Fewer than <paramref name="count"/> come back when the statement has fewer words.
    /// </summary>
    public IReadOnlyList<string> Keywords(int count) =>
    [
        .. SqlLexer.Tokenize(Text).Where(token => token.Kind == SqlTokenKind.Word).Take(count)
            .Select(token => Text.Substring(token.Start, token.Length).ToUpperInvariant()),
    ];
}

/// <summary>
/// The one place SQL text is cut up, so the runner and migrations agree on what a statement is. It follows PostgreSQL's scanner
/// with standard_conforming_strings on, and psql's rule for which <c>;</c> ends a statement (outside parentheses and outside a
/// <c>BEGIN ATOMIC</c> body), in one pass without backtracking. It never throws on bad SQL: the server owns the error messages.
/// </summary>
public static class SqlLexer
{
    /// <summary>Lazy, so a caller looking for one token stops there; concatenating the tokens gives back the input exactly.</summary>
    public static IEnumerable<SqlToken> Tokenize(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return Iterate(sql);

        static IEnumerable<SqlToken> Iterate(string sql)
        {
            for (var pos = 0; pos < sql.Length;)
            {
                var token = Next(sql, pos);
                yield return token;
                pos += token.Length;
            }
        }
    }

    /// <summary>
    /// Comment-only statements are kept (with <see cref="SqlStatement.HasCode"/> false) so nothing in the file goes unaccounted for;
    /// whitespace-only chunks such as <c>;;</c> carry nothing and are dropped.
    /// </summary>
    public static IReadOnlyList<SqlStatement> Split(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var statements = new List<SqlStatement>();
        var topLevel = default(TopLevel);
        int start = -1, end = 0, line = 1, counted = 0;
        for (var pos = 0; pos < sql.Length;)
        {
            var token = Next(sql, pos);
            pos += token.Length;
            if (topLevel.Ends(sql, token))
            {
                Flush();
            }
            else if (token.Kind != SqlTokenKind.Whitespace)
            {
                start = start < 0 ? token.Start : start;
                end = token.Start + token.Length;
            }
        }

        Flush();
        return statements;

        void Flush()
        {
            if (start >= 0)
            {
                line += sql.AsSpan(counted, start - counted).Count('\n');
                counted = start;
                statements.Add(new SqlStatement(sql[start..end], start, line));
                start = -1;
            }
        }
    }

    /// <summary>A script without a final <c>;</c> may be cut short or glue onto what follows; one in a comment ends nothing.</summary>
    public static bool EndsWithSemicolon(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        // Most statements end in a semicolon on a last line without a comment: settled without lexing the whole text,
        // which the pipeline would otherwise do for every statement of every migration.
        var trimmed = sql.AsSpan().TrimEnd();
        var lastLine = trimmed[(trimmed.LastIndexOf('\n') + 1)..];
        if (trimmed.EndsWith(";") && lastLine.IndexOfAny("-*'\"$") < 0)
        {
            return true;
        }

        return Tokenize(sql).LastOrDefault(token => !token.IsTrivia).Kind == SqlTokenKind.Semicolon;
    }

    /// <summary>An unclosed quote or comment silently swallows the rest of the file, which is worth refusing before it runs.</summary>
    public static bool HasUnterminated(string sql) => Tokenize(sql).Any(token => token.Unterminated);

    // A prefix counts only as a whole word: a token starts here, and the quote must follow at once.
    private static SqlToken Next(string sql, int pos)
    {
        var c = sql[pos];
        var next = At(sql, pos + 1);
        return c switch
        {
            ';' => new(SqlTokenKind.Semicolon, pos, 1),
            '\'' or '"' => Quoted(sql, pos, pos, escapes: false),
            '-' when next == '-' => new(SqlTokenKind.LineComment, pos, LineEnd(sql, pos) - pos),
            '/' when next == '*' => BlockComment(sql, pos),
            '$' => Dollar(sql, pos),
            'e' or 'E' when next == '\'' => Quoted(sql, pos, pos + 1, escapes: true),
            'b' or 'B' or 'x' or 'X' or 'n' or 'N' when next == '\'' => Quoted(sql, pos, pos + 1, escapes: false),
            'u' or 'U' when next == '&' && At(sql, pos + 2) is '\'' or '"' => Quoted(sql, pos, pos + 2, escapes: false),
            _ when IsSpace(c) => new(SqlTokenKind.Whitespace, pos, Skip(sql, pos, IsSpace) - pos),
            _ when IsDigit(c) || (c == '.' && IsDigit(next) && (pos == 0 || sql[pos - 1] != '.')) => Number(sql, pos),
            _ when IsIdentStart(c) => new(SqlTokenKind.Word, pos, Skip(sql, pos, IsIdentCont) - pos),
            _ => new(SqlTokenKind.Other, pos, 1),
        };
    }

    // Doubled quotes stay inside. Only E'' strings honour backslashes, and only there does PostgreSQL's continuation of a literal
    // on a later line ('a'<newline>'b') move where it ends, so only there is it followed; elsewhere the parts are separate tokens.
    private static SqlToken Quoted(string sql, int start, int quoteAt, bool escapes)
    {
        var quote = sql[quoteAt];
        var kind = quote == '"' ? SqlTokenKind.QuotedIdentifier : SqlTokenKind.String;
        for (var i = quoteAt + 1; i < sql.Length; i++)
        {
            if ((escapes && sql[i] == '\\') || (sql[i] == quote && At(sql, i + 1) == quote))
            {
                i++;
            }
            else if (sql[i] == quote)
            {
                var resume = escapes ? Continuation(sql, i) : -1;
                if (resume < 0)
                {
                    return new(kind, start, i + 1 - start);
                }

                i = resume;
            }
        }

        return Rest(kind, sql, start);
    }

    // Where a literal closed at `close` resumes: at the next quote, if only whitespace holding a newline comes first; else -1.
    private static int Continuation(string sql, int close)
    {
        var newline = false;
        for (var i = close + 1; i < sql.Length; i++)
        {
            newline |= sql[i] is '\n' or '\r';
            if (sql[i] == '-' && At(sql, i + 1) == '-')
            {
                i = LineEnd(sql, i) - 1;
            }
            else if (!IsSpace(sql[i]))
            {
                return newline && sql[i] == '\'' ? i : -1;
            }
        }

        return -1;
    }

    private static SqlToken BlockComment(string sql, int start)
    {
        var depth = 1;
        for (var i = start + 2; i < sql.Length - 1; i++)
        {
            if (sql[i] == '/' && sql[i + 1] == '*')
            {
                depth++;
                i++;
            }
            else if (sql[i] == '*' && sql[i + 1] == '/')
            {
                i++;
                if (--depth == 0)
                {
                    return new(SqlTokenKind.BlockComment, start, i + 1 - start);
                }
            }
        }

        return Rest(SqlTokenKind.BlockComment, sql, start);
    }

    // $1 is a parameter; $tag$ (tag an identifier without '$', not starting with a digit) opens a quote only the same tag closes;
    // any other '$' is a lone character, as in PostgreSQL, which then reads what follows afresh.
    private static SqlToken Dollar(string sql, int start)
    {
        if (IsDigit(At(sql, start + 1)))
        {
            return new(SqlTokenKind.Word, start, Skip(sql, start + 1, IsDigit) - start);
        }

        var tagEnd = IsIdentStart(At(sql, start + 1)) ? Skip(sql, start + 1, ch => IsIdentStart(ch) || IsDigit(ch)) : start + 1;
        if (At(sql, tagEnd) != '$')
        {
            return new(SqlTokenKind.Other, start, 1);
        }

        var delimiter = sql.AsSpan(start, tagEnd + 1 - start);
        var close = sql.AsSpan(tagEnd + 1).IndexOf(delimiter, StringComparison.Ordinal);
        return close < 0
            ? Rest(SqlTokenKind.DollarQuoted, sql, start)
            : new(SqlTokenKind.DollarQuoted, start, tagEnd + 1 + close + delimiter.Length - start);
    }

    // Generous on purpose (hex, underscores, trailing letters, 1e-5): the server judges numbers; here they only must not split
    // wrongly. A '.' joins only before a digit, so "1..10" stays 1, '.', '.', 10 as in PostgreSQL.
    private static SqlToken Number(string sql, int start)
    {
        var i = start + 1;
        while (i < sql.Length && (IsDigit(sql[i]) || IsIdentStart(sql[i]) || (IsDigit(At(sql, i + 1))
            && (sql[i] == '.' || (sql[i] is '+' or '-' && sql[i - 1] is 'e' or 'E')))))
        {
            i++;
        }

        return new(SqlTokenKind.Word, start, i - start);
    }

    private static SqlToken Rest(SqlTokenKind kind, string sql, int start) => new(kind, start, sql.Length - start, Unterminated: true);

    private static int Skip(string sql, int i, Func<char, bool> take)
    {
        do
        {
            i++;
        }
        while (i < sql.Length && take(sql[i]));
        return i;
    }

    private static int LineEnd(string sql, int i)
    {
        var found = sql.AsSpan(i).IndexOfAny('\n', '\r');
        return found < 0 ? sql.Length : i + found;
    }

    private static char At(string sql, int i) => i < sql.Length ? sql[i] : '\0';

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v' or '\uFEFF';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    // As in PostgreSQL, which sees UTF-8 bytes >= 0x80, any non-ASCII character can be part of a name; U+FEFF is whitespace here.
    private static bool IsIdentStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (c >= '\u0080' && c != '\uFEFF');

    private static bool IsIdentCont(char c) => IsIdentStart(c) || IsDigit(c) || c == '$';

    /// <summary>
    /// psql's rule for which <c>;</c> ends a statement: not one inside parentheses (multi-action rules), nor one inside the
    /// <c>BEGIN ... END</c> of a SQL-standard body, which it looks for only once the statement starts CREATE [OR REPLACE]
    /// FUNCTION|PROCEDURE; CASE counts there because it also closes with END.
    /// </summary>
    private struct TopLevel
    {
        private int parens;
        private int begins;
        private int identifiers;
        private int initials;

        public bool Ends(string sql, SqlToken token)
        {
            var c = sql[token.Start];
            if (token.Kind == SqlTokenKind.Semicolon && parens == 0 && begins == 0)
            {
                this = default;
                return true;
            }

            parens += token.Kind != SqlTokenKind.Other ? 0 : c == '(' ? 1 : c == ')' && parens > 0 ? -1 : 0;
            if (token.Kind == SqlTokenKind.Word && IsIdentStart(c))
            {
                Identifier(sql.AsSpan(token.Start, token.Length));
            }

            return false;
        }

        private void Identifier(ReadOnlySpan<char> word)
        {
            var heads = Is(word, "create") || Is(word, "or") || Is(word, "replace") || Is(word, "function") || Is(word, "procedure");
            if (heads && identifiers < 4)
            {
                initials |= char.ToLowerInvariant(word[0]) << (8 * identifiers);
            }

            identifiers++;
            var routine = Initial(1) is 'f' or 'p' || (Initial(1) == 'o' && Initial(2) == 'r' && Initial(3) is 'f' or 'p');
            if (Initial(0) == 'c' && routine && parens == 0)
            {
                begins += Is(word, "begin") || (Is(word, "case") && begins > 0) ? 1 : Is(word, "end") && begins > 0 ? -1 : 0;
            }
        }

        private readonly char Initial(int n) => (char)((initials >> (8 * n)) & 0xFF);

        private static bool Is(ReadOnlySpan<char> word, string keyword) => word.Equals(keyword, StringComparison.OrdinalIgnoreCase);
    }
}
