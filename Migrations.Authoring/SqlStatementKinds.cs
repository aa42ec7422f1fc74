using System.Text.RegularExpressions;

namespace Migrations.Authoring;

/// <summary>What a statement does to the session's transaction, read from its keywords by the lexer.</summary>
public static partial class SqlStatementKinds
{
    /// <summary>
    /// Whether the statement starts, ends or rolls back a transaction at the top level (<c>BEGIN</c>, <c>START
    /// TRANSACTION</c>, <c>COMMIT</c>, <c>END</c>, <c>ROLLBACK</c>, <c>ABORT</c>, <c>PREPARE TRANSACTION</c>): a script
    /// that holds one governs its own transactions, as psql runs it. <c>ROLLBACK TO SAVEPOINT</c> and <c>BEGIN
    /// ATOMIC</c> (a function body, which the lexer keeps inside its statement) do not count.
    /// </summary>
    public static bool ControlsTransaction(this SqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var words = statement.Keywords(3);
        if (words.Count == 0)
        {
            return false;
        }

        return words[0] switch
        {
            "BEGIN" => words.Count < 2 || words[1] != "ATOMIC",
            "START" or "PREPARE" => words.Count > 1 && words[1] == "TRANSACTION",
            "COMMIT" or "END" or "ABORT" => true,
            "ROLLBACK" => !words.Skip(1).Contains("TO"),
            _ => false,
        };
    }

    /// <summary>Whether any statement of <paramref name="sql"/> controls its transaction (see <see cref="ControlsTransaction"/>).</summary>
    /// <remarks>
    /// Text without any of the words is settled at once: the pipeline asks this of every statement of every migration,
    /// and lexing them all would cost a long run more than sending them.
    /// </remarks>
    public static bool ControlsTransactions(string sql) =>
        TransactionWord().IsMatch(sql) && SqlLexer.Split(sql).Any(s => s.HasCode && s.ControlsTransaction());

    [GeneratedRegex(@"\b(begin|start|commit|end|abort|rollback|prepare)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TransactionWord();
}
