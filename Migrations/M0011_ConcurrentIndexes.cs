using FluentMigrator;

namespace Migrations;

/// <summary>Builds indexes for the hot queries with CREATE INDEX CONCURRENTLY (legacy-sql/011_concurrent_indexes.sql).</summary>
// CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and each statement must be its own command.
[Migration(11, TransactionBehavior.None, "Index hot queries concurrently")]
public sealed class M0011_ConcurrentIndexes : StatementByStatementMigration
{
    public override void Up() => ExecuteEachStatement("011_concurrent_indexes.sql");

    public override void Down() => ExecuteEachStatement("rollback/011_rollback.sql");
}
