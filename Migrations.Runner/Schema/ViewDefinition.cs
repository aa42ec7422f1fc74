using Migrations.Authoring;

namespace Migrations.Runner.Schema;

/// <summary>
/// View definitions in one form on every supported PostgreSQL: the form PostgreSQL 16 and later print.
/// </summary>
/// <remarks>
/// Up to PostgreSQL 15 a view's stored query also held the placeholder entries OLD and NEW, so pg_get_viewdef saw more
/// than one relation and qualified every column ("SELECT users.id FROM public.users"); from 16 on they are gone, and a
/// query over a single relation prints its columns bare ("SELECT id FROM public.users"). Sub-queries, joins and set
/// operations print alike on both. Rewriting the older form to the newer one keeps a snapshot, a saved snapshot and
/// docs/DATABASE_STRUCTURE.md the same on every version; the rewrite only drops qualifiers that the newer server would
/// not print, so the text still means the same query.
/// </remarks>
public static class ViewDefinition
{
    /// <summary>The first server whose views print without the qualifiers that OLD and NEW forced.</summary>
    public const int UnqualifiedSince = 160000;

    private static readonly HashSet<string> SubqueryStarts = new(["SELECT", "WITH", "VALUES"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> SetOperations = new(["UNION", "INTERSECT", "EXCEPT"], StringComparer.OrdinalIgnoreCase);

    // What may follow a FROM clause at the top level of a SELECT.
    private static readonly HashSet<string> AfterFrom =
        new(["WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <paramref name="definition"/> (pg_get_viewdef of a server older than 16) as PostgreSQL 16 and later print it;
    /// a definition already in that form comes back unchanged.
    /// </summary>
    public static string Normalise(string definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = definition;
        var tokens = SqlLexer.Tokenize(text).Where(t => !t.IsTrivia).ToArray();
        var closing = MatchParentheses(text, tokens);
        bool Is(int i, string word) =>
            i < tokens.Length && tokens[i].Kind == SqlTokenKind.Word && string.Equals(Text(i), word, StringComparison.OrdinalIgnoreCase);
        bool IsChar(int i, char c) => i >= 0 && i < tokens.Length && tokens[i].Kind == SqlTokenKind.Other && text[tokens[i].Start] == c;
        bool IsName(int i) => i >= 0 && i < tokens.Length && tokens[i].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier;
        string Text(int i) => text.Substring(tokens[i].Start, tokens[i].Length);
        bool IsSubquery(int open)
        {
            var first = open + 1;
            while (IsChar(first, '('))
            {
                first++;
            }

            return first < tokens.Length && tokens[first].Kind == SqlTokenKind.Word && SubqueryStarts.Contains(Text(first));
        }

        // The top level, with every parenthesised group stepped over.
        var top = new List<int>();
        for (var i = 0; i < tokens.Length; i++)
        {
            top.Add(i);
            if (IsChar(i, '(') && closing[i] > i)
            {
                i = closing[i];
                top.Add(i);
            }
        }

        if (top.Any(i => tokens[i].Kind == SqlTokenKind.Word && SetOperations.Contains(Text(i))))
        {
            return definition;
        }

        // A WITH clause's queries are sub-queries; the query proper starts at the first SELECT after them.
        var select = top.FindIndex(i => Is(i, "SELECT"));
        // "a IS DISTINCT FROM b" is an operator, not the clause.
        var from = select < 0 ? -1 : top.FindIndex(select, i => Is(i, "FROM") && !Is(i - 1, "DISTINCT"));
        if (from < 0)
        {
            return definition;
        }

        var fromEnd = top.FindIndex(from + 1, i => tokens[i].Kind == SqlTokenKind.Semicolon
            || (tokens[i].Kind == SqlTokenKind.Word && AfterFrom.Contains(Text(i))));
        var fromStart = top[from];
        var fromStop = fromEnd < 0 ? tokens.Length : top[fromEnd];

        // One relation, function, sub-query or VALUES list: no join and no list, also inside parentheses that are not a
        // sub-query of their own. Its name or alias is among the names not followed by a dot.
        var names = new HashSet<string>(StringComparer.Ordinal);
        var depth = 0;
        for (var i = fromStart + 1; i < fromStop; i++)
        {
            if (IsChar(i, '('))
            {
                if (IsSubquery(i) && closing[i] > i)
                {
                    i = closing[i];
                    continue;
                }

                depth++;
            }
            else if (IsChar(i, ')'))
            {
                depth--;
            }
            else if (Is(i, "JOIN") || (depth == 0 && IsChar(i, ',')))
            {
                return definition;
            }
            else if (depth == 0 && IsName(i) && !IsChar(i + 1, '.'))
            {
                names.Add(Text(i));
            }
        }

        // Drop "name." before a column at the query's own level: not in sub-queries (they keep their qualifiers on every
        // version), not in the FROM clause, and not where the dot qualifies a function, type or collation by its schema.
        var drops = new List<(int Start, int End)>();
        for (var i = top[select]; i < tokens.Length; i++)
        {
            if (i == fromStart)
            {
                i = fromStop - 1;
                continue;
            }

            if (IsChar(i, '(') && IsSubquery(i) && closing[i] > i)
            {
                i = closing[i];
                continue;
            }

            if (IsName(i) && names.Contains(Text(i)) && IsChar(i + 1, '.') && IsName(i + 2) && !IsChar(i + 3, '(')
                && !IsChar(i - 1, '.') && !IsChar(i - 1, ':') && !Is(i - 1, "AS") && !Is(i - 1, "COLLATE"))
            {
                drops.Add((tokens[i].Start, tokens[i + 1].Start + tokens[i + 1].Length));
                i += 2;
            }
        }

        if (drops.Count == 0)
        {
            return definition;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var at = 0;
        foreach (var (start, end) in drops)
        {
            result.Append(text, at, start - at);
            at = end;
        }

        return result.Append(text, at, text.Length - at).ToString();
    }

    // For each "(" the index of its ")", or -1 when it has none.
    private static int[] MatchParentheses(string text, SqlToken[] tokens)
    {
        var closing = new int[tokens.Length];
        var open = new Stack<int>();
        for (var i = 0; i < tokens.Length; i++)
        {
            closing[i] = -1;
            if (tokens[i].Kind != SqlTokenKind.Other)
            {
                continue;
            }

            if (text[tokens[i].Start] == '(')
            {
                open.Push(i);
            }
            else if (text[tokens[i].Start] == ')' && open.Count > 0)
            {
                closing[open.Pop()] = i;
            }
        }

        return closing;
    }
}
