using System.Globalization;
using Migrations.Authoring;

namespace Migrations.Runner.Analysis;

/// <summary>A finding read from a statement's text: what it is and the table it names (schema-qualified), if any.</summary>
public sealed record StaticFinding(FindingKind Kind, string? Table, string? Detail);

/// <summary>What the SQL of one migration says, read with the lexer: no server involved.</summary>
/// <param name="Findings">VACUUM FULL, CLUSTER, REINDEX without CONCURRENTLY, DROP TABLE, DROP COLUMN, TRUNCATE.</param>
/// <param name="LockTimeout">The last <c>SET [LOCAL] lock_timeout</c> it sends (zero: none); null when it sets none.</param>
/// <param name="Truncated">Tables it truncates: a new file, but no rewrite.</param>
/// <param name="DropsIndexBlocking">It sends DROP INDEX without CONCURRENTLY.</param>
/// <param name="ConcurrentIndexes">
/// The names of the indexes it creates CONCURRENTLY (schema-less, as PostgreSQL folds them); "*" for one it leaves unnamed.
/// </param>
public sealed record StaticReading(
    IReadOnlyList<StaticFinding> Findings,
    TimeSpan? LockTimeout,
    IReadOnlySet<string> Truncated,
    bool DropsIndexBlocking,
    IReadOnlySet<string> ConcurrentIndexes);

/// <summary>The rules of the linters (Squawk, strong_migrations) that need no server, on the statements the runner sends.</summary>
public static class StaticRules
{
    private static readonly HashSet<string> NotAColumn = ["CONSTRAINT", "DEFAULT", "NOT", "IDENTITY", "EXPRESSION"];

    public static StaticReading Read(IEnumerable<string> sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var findings = new List<StaticFinding>();
        var truncated = new HashSet<string>(StringComparer.Ordinal);
        TimeSpan? lockTimeout = null;
        var dropsIndex = false;
        var concurrent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in sql.SelectMany(SqlLexer.Split).Where(s => s.HasCode))
        {
            var tokens = Tokens(statement.Text);
            var words = tokens.Select(t => t.Word).ToList();
            string First(int i) => i < words.Count ? words[i] ?? "" : "";
            switch (First(0))
            {
                case "VACUUM" when words.Contains("FULL"):
                    findings.Add(new(FindingKind.VacuumFull, LastName(tokens), null));
                    break;
                case "CLUSTER":
                    findings.Add(new(FindingKind.Cluster, NameAfter(tokens, 1, "VERBOSE"), null));
                    break;
                case "REINDEX" when !words.Contains("CONCURRENTLY"):
                    findings.Add(new(FindingKind.Reindex, First(1) is "TABLE" ? NameAfter(tokens, 2) : null, LastName(tokens)));
                    break;
                case "DROP" when First(1) == "TABLE":
                    findings.AddRange(NamesAfter(tokens, 2).Select(t => new StaticFinding(FindingKind.DropTable, t, null)));
                    break;
                case "CREATE" when words.IndexOf("INDEX") is 1 or 2 && words.Contains("CONCURRENTLY"):
                    concurrent.Add(ConcurrentIndexName(tokens));
                    break;
                case "DROP" when First(1) == "INDEX" && First(2) != "CONCURRENTLY":
                    dropsIndex = true;
                    break;
                case "TRUNCATE":
                    foreach (var table in NamesAfter(tokens, First(1) == "TABLE" ? 2 : 1))
                    {
                        truncated.Add(table);
                        findings.Add(new(FindingKind.Truncate, table, null));
                    }

                    break;
                case "ALTER" when First(1) == "TABLE":
                    var altered = NameAfter(tokens, 2);
                    findings.AddRange(DroppedColumns(tokens).Select(c => new StaticFinding(FindingKind.DropColumn, altered, c)));
                    break;
                case "SET" when LockTimeoutValue(words, tokens) is { } value:
                    lockTimeout = value;
                    break;
            }
        }

        return new StaticReading(findings, lockTimeout, truncated, dropsIndex, concurrent);
    }

    // A word is upper-cased (null for a quoted name); a name is as PostgreSQL folds it.
    private sealed record Token(string? Word, string? Name, string Text);

    private static List<Token> Tokens(string text) =>
    [
        .. SqlLexer.Tokenize(text).Where(t => !t.IsTrivia).Select(t =>
        {
            var raw = text.Substring(t.Start, t.Length);
            return t.Kind switch
            {
                SqlTokenKind.Word => new Token(raw.ToUpperInvariant(), raw.ToLowerInvariant(), raw),
                SqlTokenKind.QuotedIdentifier => new Token(null, raw[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal), raw),
                _ => new Token(null, null, raw),
            };
        }),
    ];

    private static readonly HashSet<string> Skipped = ["IF", "EXISTS", "ONLY", "TABLE", "VERBOSE", "FULL", "ANALYZE", "FREEZE"];

    /// <summary>The (possibly qualified) names in a comma-separated list starting at <paramref name="from"/>.</summary>
    private static List<string> NamesAfter(List<Token> tokens, int from)
    {
        var names = new List<string>();
        var i = from;
        while (i < tokens.Count)
        {
            while (i < tokens.Count && tokens[i].Word is { } w && Skipped.Contains(w))
            {
                i++;
            }

            if (Qualified(tokens, ref i) is not { } name)
            {
                break;
            }

            names.Add(name);
            if (i >= tokens.Count || tokens[i].Text != ",")
            {
                break;
            }

            i++;
        }

        return names;
    }

    private static string? NameAfter(List<Token> tokens, int from, params string[] skip)
    {
        var i = from;
        while (i < tokens.Count && tokens[i].Word is { } w && (skip.Contains(w) || Skipped.Contains(w)))
        {
            i++;
        }

        return Qualified(tokens, ref i);
    }

    private static string? LastName(List<Token> tokens)
    {
        for (var i = tokens.Count - 1; i > 0; i--)
        {
            if (tokens[i].Name is not null && (tokens[i].Word is null || !Skipped.Contains(tokens[i].Word!)))
            {
                var start = i >= 2 && tokens[i - 1].Text == "." ? i - 2 : i;
                return Qualified(tokens, ref start);
            }

            if (tokens[i].Text is not ")" and not ",")
            {
                continue;
            }

            return null;
        }

        return null;
    }

    private static string? Qualified(List<Token> tokens, ref int i)
    {
        if (i >= tokens.Count || tokens[i].Name is not { } first)
        {
            return null;
        }

        i++;
        if (i + 1 < tokens.Count && tokens[i].Text == "." && tokens[i + 1].Name is { } second)
        {
            i += 2;
            return $"{first}.{second}";
        }

        return $"public.{first}";
    }

    // CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] [name] ON ...
    private static string ConcurrentIndexName(List<Token> tokens)
    {
        var i = tokens.FindIndex(t => t.Word == "CONCURRENTLY") + 1;
        while (i < tokens.Count && tokens[i].Word is "IF" or "NOT" or "EXISTS")
        {
            i++;
        }

        return i < tokens.Count && tokens[i].Word != "ON" && tokens[i].Name is { } name ? name : "*";
    }

    // ALTER TABLE t DROP [COLUMN] [IF EXISTS] c, ...: a DROP not followed by one of the other things a table drops.
    private static IEnumerable<string> DroppedColumns(List<Token> tokens)
    {
        for (var i = 3; i < tokens.Count - 1; i++)
        {
            if (tokens[i].Word != "DROP" || (tokens[i + 1].Word is { } next && NotAColumn.Contains(next)))
            {
                continue;
            }

            var j = i + 1;
            while (j < tokens.Count && tokens[j].Word is "COLUMN" or "IF" or "EXISTS")
            {
                j++;
            }

            if (j < tokens.Count && tokens[j].Name is { } column)
            {
                yield return column;
            }
        }
    }

    // SET [LOCAL | SESSION] lock_timeout { = | TO } value: '5s', 5000 (milliseconds), '1min', DEFAULT or 0 (none).
    private static TimeSpan? LockTimeoutValue(List<string?> words, List<Token> tokens)
    {
        var at = words.IndexOf("LOCK_TIMEOUT");
        if (at is < 1 or > 2 || at + 2 >= tokens.Count)
        {
            return null;
        }

        var value = tokens[at + 2].Text.Trim('\'').Trim();
        if (value.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var digits = new string([.. value.TakeWhile(char.IsDigit)]);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        return value[digits.Length..].Trim().ToLowerInvariant() switch
        {
            "" or "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "min" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromMilliseconds(amount),
        };
    }
}
