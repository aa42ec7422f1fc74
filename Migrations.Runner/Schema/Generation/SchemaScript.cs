using System.Text;

namespace Migrations.Runner.Schema.Generation;

/// <summary>One statement of a generated script, without its terminating semicolon.</summary>
/// <param name="Sql">The statement as the server will run it.</param>
/// <param name="Destructive">It loses data (a dropped table or column, a narrowed type, a removed enum label).</param>
/// <param name="OutsideTransaction">It must run in autocommit, or what it creates cannot be used before it commits.</param>
/// <param name="Note">Why the statement needs a reader's eye; printed as an SQL comment above it.</param>
public sealed record ScriptStatement(string Sql, bool Destructive = false, bool OutsideTransaction = false, string? Note = null);

/// <summary>
/// What <see cref="SchemaScriptGenerator.Generate(SchemaSnapshot, SchemaSnapshot)"/> returns: the statements that turn
/// one schema into another, in
/// dependency order, and what a reviewer must know about them.
/// </summary>
/// <param name="Statements">In the order they must run.</param>
/// <param name="Warnings">One sentence each: data that would be lost, what the script cannot reproduce.</param>
public sealed record SchemaScript(ValueList<ScriptStatement> Statements, ValueList<string> Warnings)
{
    /// <summary>Nothing to change: the two schemas are the same.</summary>
    public bool IsEmpty => Statements.Count == 0;

    /// <summary>Some statement must run outside a transaction: a migration of it is declared TransactionBehavior.None.</summary>
    public bool RequiresNoTransaction => Statements.Any(s => s.OutsideTransaction);

    /// <summary>Any statement loses data.</summary>
    public bool IsDestructive => Statements.Any(s => s.Destructive);

    /// <summary>
    /// The script as text, each statement ended by a semicolon, destructive and non-transactional ones under a comment
    /// saying so; runnable as is with <c>psql -v ON_ERROR_STOP=1 -f -</c>.
    /// </summary>
    public string Sql => Render(Statements);

    internal static string Render(IEnumerable<ScriptStatement> statements)
    {
        var text = new StringBuilder();
        foreach (var statement in statements)
        {
            if (statement.Note is { } note)
            {
                foreach (var line in note.Split('\n'))
                {
                    text.Append("-- ").Append(line).Append('\n');
                }
            }

            text.Append(statement.Sql.TrimEnd()).Append(";\n");
        }

        return text.ToString();
    }
}
