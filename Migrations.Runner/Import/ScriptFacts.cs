using Migrations.Authoring;

namespace Migrations.Runner.Import;

/// <summary>How a direction runs, decided from its directives and its statements (the one SQL lexer).</summary>
public enum ScriptMode
{
    /// <summary>In the runner's transaction, with its bookkeeping.</summary>
    Transaction,

    /// <summary>Without one, one statement per command: a directive asked, or a statement refuses a transaction block.</summary>
    NoTransaction,

    /// <summary>Its own BEGIN/COMMIT: run as psql runs it, statement by statement.</summary>
    OwnTransactions,
}

public enum ReasonKind
{
    /// <summary>
    /// The tool's directive (goose NO TRANSACTION, sql-migrate notransaction, dbmate transaction:false, diesel metadata).
    /// </summary>
    ToolDirective,

    /// <summary>CREATE/DROP/REINDEX ... CONCURRENTLY, VACUUM, ALTER SYSTEM, CREATE DATABASE: refused in a transaction block.</summary>
    NonTransactionalStatement,

    /// <summary>BEGIN, COMMIT, ROLLBACK at the top level.</summary>
    OwnTransactionControl,
}

/// <summary>Why a direction runs as it does, with the statement (or directive) and the line in the source file.</summary>
public sealed record ModeReason(ReasonKind Kind, int Line, string What);

/// <summary>A statement named in the audit: its line in the source file and its first words.</summary>
public sealed record NotedStatement(int Line, string Text);

/// <summary>What the audit says of one direction's script.</summary>
/// <param name="Bytes">Its length in bytes (0 for a 0-byte file).</param>
/// <param name="HasCode">False for an empty or comment-only script: the tools run it as nothing.</param>
/// <param name="Mode">How it runs.</param>
/// <param name="Reasons">Why it does not run in the runner's transaction (empty when it does).</param>
/// <param name="Mixed">Non-transactional statements beside others: only statement by statement can run it.</param>
/// <param name="SessionSets">
/// Session-level SETs; the runner resets the session after each migration, as psql's new session per file would.
/// </param>
/// <param name="CreatesExtensions">Extensions it creates.</param>
/// <param name="UsesExtensions">Extensions its statements use (an operator class, a type, a function they provide).</param>
/// <param name="NotIdempotent">Statements that fail or change something when run twice.</param>
public sealed record ScriptFacts(
    int Bytes,
    bool HasCode,
    ScriptMode Mode,
    IReadOnlyList<ModeReason> Reasons,
    bool Mixed,
    IReadOnlyList<NotedStatement> SessionSets,
    IReadOnlyList<string> CreatesExtensions,
    IReadOnlyList<string> UsesExtensions,
    IReadOnlyList<NotedStatement> NotIdempotent);

internal static class ScriptAnalysis
{
    private static readonly Dictionary<string, string> ExtensionWords = new(StringComparer.Ordinal)
    {
        ["gin_trgm_ops"] = "pg_trgm", ["gist_trgm_ops"] = "pg_trgm", ["similarity"] = "pg_trgm", ["word_similarity"] = "pg_trgm",
        ["uuid_generate_v1"] = "uuid-ossp", ["uuid_generate_v1mc"] = "uuid-ossp", ["uuid_generate_v4"] = "uuid-ossp",
        ["citext"] = "citext", ["hstore"] = "hstore", ["ltree"] = "ltree", ["lquery"] = "ltree",
        ["crypt"] = "pgcrypto", ["gen_salt"] = "pgcrypto", ["pgp_sym_encrypt"] = "pgcrypto", ["gen_random_bytes"] = "pgcrypto",
        ["digest"] = "pgcrypto", ["hmac"] = "pgcrypto", ["unaccent"] = "unaccent", ["ll_to_earth"] = "earthdistance",
        ["geometry"] = "postgis", ["geography"] = "postgis",
    };

    public static ScriptFacts Analyse(SourceScript script)
    {
        var text = script.Text;
        var statements = SqlLexer.Split(text).Where(s => s.HasCode).ToList();
        var reasons = new List<ModeReason>();
        if (script.Directive is { } directive)
        {
            reasons.Add(new ModeReason(ReasonKind.ToolDirective, 0, directive));
        }

        var sets = new List<NotedStatement>();
        var creates = new List<string>();
        var uses = new SortedSet<string>(StringComparer.Ordinal);
        var notIdempotent = new List<NotedStatement>();
        var ownTransactions = false;
        var refusing = 0;
        foreach (var statement in statements)
        {
            var code = Code(statement.Text);
            var words = Words(statement.Text);
            var line = script.SourceLine(statement.Line + LeadingLines(statement.Text));
            if (statement.ControlsTransaction())
            {
                ownTransactions = true;
                reasons.Add(new ModeReason(ReasonKind.OwnTransactionControl, line, Short(code)));
                continue;
            }

            if (RefusesTransaction(words))
            {
                refusing++;
                reasons.Add(new ModeReason(ReasonKind.NonTransactionalStatement, line, Short(code)));
            }

            if (IsSessionSet(words))
            {
                sets.Add(new NotedStatement(line, Short(code)));
            }

            if (Is(words, "CREATE", "EXTENSION"))
            {
                var name = words[Is(words, "CREATE", "EXTENSION", "IF", "NOT", "EXISTS") ? 5 : 2];
                creates.Add(name.Trim('"').ToLowerInvariant());
            }

            foreach (var word in words)
            {
                if (ExtensionWords.TryGetValue(word.ToLowerInvariant(), out var extension))
                {
                    uses.Add(extension);
                }
            }

            if (NotIdempotent(words))
            {
                notIdempotent.Add(new NotedStatement(line, Short(code)));
            }
        }

        var mode = ownTransactions ? ScriptMode.OwnTransactions
            : reasons.Count > 0 ? ScriptMode.NoTransaction
            : ScriptMode.Transaction;
        return new ScriptFacts(
            SourceFiles.Bytes(text).Length,
            statements.Count > 0,
            mode,
            reasons,
            refusing > 0 && statements.Count > refusing,
            sets,
            creates,
            [.. uses.Where(u => !creates.Contains(u))],
            notIdempotent);
    }

    /// <summary>The statement as one line: comments left out, each run of whitespace and comments one space.</summary>
    public static string Code(string statement)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var token in SqlLexer.Tokenize(statement))
        {
            if (!token.IsTrivia)
            {
                builder.Append(statement, token.Start, token.Length);
            }
            else if (builder.Length > 0 && builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }

        return builder.ToString().Trim();
    }

    // Names and keywords only: a quoted name can never read as a keyword, and punctuation never glues onto a word.
    private static string[] Words(string statement) =>
    [
        .. SqlLexer.Tokenize(statement)
            .Where(t => t.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            .Select(t => t.Kind == SqlTokenKind.Word
                ? statement.Substring(t.Start, t.Length)
                : string.Concat("\"", statement.AsSpan(t.Start + 1, t.Length - 2))),
    ];

    private static int LeadingLines(string statement)
    {
        var first = SqlLexer.Tokenize(statement).FirstOrDefault(t => !t.IsTrivia);
        return statement.AsSpan(0, first.Start).Count('\n');
    }

    private static string Short(string code) => code.Length <= 80 ? code : code[..77] + "...";

    private static bool Is(string[] words, params string[] expected) =>
        words.Length >= expected.Length
        && expected.Select((w, i) => string.Equals(words[i], w, StringComparison.OrdinalIgnoreCase)).All(b => b);

    private static bool Has(string[] words, string word, int within = int.MaxValue) =>
        words.Take(within).Any(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase));

    private static bool RefusesTransaction(string[] words) =>
        Is(words, "VACUUM") || Is(words, "ALTER", "SYSTEM") || Is(words, "CREATE", "DATABASE") || Is(words, "DROP", "DATABASE")
        || Is(words, "CREATE", "TABLESPACE") || Is(words, "DROP", "TABLESPACE")
        || ((Is(words, "CREATE") || Is(words, "DROP") || Is(words, "REINDEX")) && Has(words, "CONCURRENTLY", 5))
        || (Is(words, "ALTER", "TABLE") && Has(words, "DETACH") && Has(words, "CONCURRENTLY"));

    private static bool IsSessionSet(string[] words) =>
        Is(words, "SET") && !Is(words, "SET", "LOCAL") && !Is(words, "SET", "TRANSACTION") && !Is(words, "SET", "CONSTRAINTS");

    private static bool NotIdempotent(string[] words)
    {
        if (Is(words, "CREATE"))
        {
            var replace = Is(words, "CREATE", "OR", "REPLACE");
            return !replace && !Has(words, "EXISTS", 8) && !Is(words, "CREATE", "TEMP") && !Is(words, "CREATE", "TEMPORARY");
        }

        return (Is(words, "ALTER", "TABLE") && Has(words, "ADD") && !Has(words, "EXISTS"))
            || (Is(words, "ALTER", "TABLE") && Has(words, "RENAME"))
            || (Is(words, "INSERT") && !Has(words, "CONFLICT"))
            || (Is(words, "DROP") && !Has(words, "EXISTS", 6))
            || (Is(words, "ALTER", "TYPE") && Has(words, "ADD") && Has(words, "VALUE") && !Has(words, "EXISTS"));
    }
}
