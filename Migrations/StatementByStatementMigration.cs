using FluentMigrator;

namespace Migrations;

/// <summary>
/// Base for migrations whose SQL must be sent one statement per command: <c>CREATE INDEX CONCURRENTLY</c> is refused
/// inside a transaction block, and a multi-statement command is one implicit transaction. Pair it with
/// <c>TransactionBehavior.None</c> on the <c>[Migration]</c> attribute.
/// </summary>
public abstract class StatementByStatementMigration : Migration
{
    /// <summary>
    /// Runs a legacy file one statement per command, split by the SQL lexer (see <see cref="LegacyScript.SplitStatements"/>).
    /// </summary>
    protected void ExecuteEachStatement(string relativePath)
    {
        foreach (var statement in LegacyScript.SplitStatements(LegacyScript.Read(relativePath)))
        {
            Execute.Sql(statement);
        }
    }
}
