using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Model;
using FluentMigrator.Runner.Generators.Postgres;
using FluentMigrator.Runner.Processors.Postgres;
using Migrations.Runner.Errors;
using Npgsql;

namespace Migrations.Runner.History;

/// <summary>A row of FluentMigrator's <c>VersionInfo</c>.</summary>
public sealed record AppliedMigration(long Version, DateTime? AppliedOnUtc, string? Description);

/// <summary>What <c>VersionInfo</c> holds, and whether it exists at all.</summary>
public sealed record VersionHistoryState(IReadOnlyList<AppliedMigration> Applied, bool TableExists);

/// <summary>
/// FluentMigrator's <c>VersionInfo</c>, read without creating it, created only by the verbs that migrate, in the shape
/// FluentMigrator gives it, and written with the statements FluentMigrator's version loader generates.
/// </summary>
public static class VersionHistory
{
    public const string Schema = "public";
    public const string Table = "VersionInfo";

    /// <summary>The applied migrations in version order; empty when the table does not exist yet.</summary>
    /// <exception cref="RunnerErrorException">The table exists with a shape FluentMigrator did not create.</exception>
    public static async Task<IReadOnlyList<AppliedMigration>> ReadAsync(
        NpgsqlConnection connection, VersionTable? table = null, CancellationToken cancellationToken = default) =>
        (await ReadHistoryAsync(connection, table, cancellationToken)).Applied;

    /// <inheritdoc cref="ReadAsync"/>
    public static async Task<VersionHistoryState> ReadHistoryAsync(
        NpgsqlConnection connection, VersionTable? table = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var t = table ?? VersionTable.Default;
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass(format('%I.%I', @schema, @table)) AND a.attnum > 0 AND NOT a.attisdropped
            """, connection))
        {
            command.Parameters.AddWithValue("schema", t.Schema);
            command.Parameters.AddWithValue("table", t.Table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (columns.Count == 0)
        {
            return new([], TableExists: false);
        }

        // FluentMigrator creates the table in three steps (table, AppliedOn + unique index, Description), each its own
        // transaction: a runner killed between them leaves a table that lacks the later columns, which the next run adds.
        if (!columns.TryGetValue(t.VersionColumn, out var versionType) || versionType != "bigint")
        {
            throw new RunnerErrorException(
                new UnexpectedVersionTableShape(t.Qualified, [.. columns.Select(c => $"{c.Key} {c.Value}")]));
        }

        var applied = new List<AppliedMigration>();
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT {VersionTable.Quote(t.VersionColumn)},
                {(columns.ContainsKey(t.AppliedOnColumn) ? VersionTable.Quote(t.AppliedOnColumn) + "::timestamp" : "NULL::timestamp")},
                {(columns.ContainsKey(t.DescriptionColumn) ? VersionTable.Quote(t.DescriptionColumn) + "::text" : "NULL::text")}
            FROM {t.Qualified} ORDER BY 1
            """, connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(new AppliedMigration(
                    reader.GetInt64(0),
                    reader.IsDBNull(1) ? null : DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc),
                    reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        return new(applied, TableExists: true);
    }

    /// <summary>
    /// What creates <c>VersionInfo</c> as FluentMigrator does (Version bigint, AppliedOn timestamp, Description
    /// varchar(1024), unique index UC_Version), the checksum table and its history, each statement ending with its
    /// semicolon; completes a VersionInfo that an interrupted FluentMigrator left without its later columns. The text
    /// <see cref="EnsureTablesAsync"/> runs, and the one a preview prints, so that the script builds the same tables.
    /// </summary>
    public static string CreateTablesSql { get; } = $"""
        CREATE TABLE IF NOT EXISTS {Schema}."{Table}" ("Version" bigint NOT NULL);
        ALTER TABLE {Schema}."{Table}" ADD COLUMN IF NOT EXISTS "AppliedOn" timestamp,
            ADD COLUMN IF NOT EXISTS "Description" varchar(1024);
        CREATE UNIQUE INDEX IF NOT EXISTS "UC_Version" ON {Schema}."{Table}" ("Version" ASC);
        {ChecksumStore.CreateTableSql}
        {ChecksumStore.CreateHistoryTableSql}
        """;

    /// <summary>What creates the bookkeeping tables for a set's version table: <see cref="CreateTablesSql"/> for the default.</summary>
    public static string CreateTablesSqlFor(VersionTable? table) => table is null || table.IsDefault
        ? CreateTablesSql
        : $"{table.CreateSql}\n{ChecksumStore.CreateTableSql}\n{ChecksumStore.CreateHistoryTableSql}";

    /// <summary>
    /// Runs <see cref="CreateTablesSql"/> in one transaction, so the tables are never half made. Costs one query when
    /// they all exist.
    /// </summary>
    public static async Task EnsureTablesAsync(
        NpgsqlConnection connection, VersionTable? table = null, CancellationToken cancellationToken = default)
    {
        if (await TablesCompleteAsync(connection, table, cancellationToken))
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(CreateTablesSqlFor(table), connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Whether VersionInfo, its unique index, the checksum table and its history all exist in full.</summary>
    public static async Task<bool> TablesCompleteAsync(
        NpgsqlConnection connection, VersionTable? table = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var t = table ?? VersionTable.Default;
        await using var check = new NpgsqlCommand(
            $"""
            SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(@table)
                       AND attname IN (@version, @appliedOn, @description) AND NOT attisdropped) = 3
               AND to_regclass(@index) IS NOT NULL
               AND to_regclass('{Schema}."{ChecksumStore.Table}"') IS NOT NULL
               AND to_regclass('{Schema}."{ChecksumStore.HistoryTable}"') IS NOT NULL
            """, connection);
        check.Parameters.AddWithValue("table", t.RegClass);
        check.Parameters.AddWithValue("version", t.VersionColumn);
        check.Parameters.AddWithValue("appliedOn", t.AppliedOnColumn);
        check.Parameters.AddWithValue("description", t.DescriptionColumn);
        check.Parameters.AddWithValue("index", $"{VersionTable.Quote(t.Schema)}.{VersionTable.Quote(t.UniqueIndex)}");
        return (bool)(await check.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// The row FluentMigrator's version loader inserts for an applied migration (AppliedOn in UTC, by the server's clock).
    /// </summary>
    public static IMigrationExpression InsertExpression(long version, string description, VersionTable? table = null)
    {
        var t = table ?? VersionTable.Default;
        var row = new InsertionDataDefinition
        {
            new(t.VersionColumn, version),
            new(t.AppliedOnColumn, RawSql.Insert(Quoter.QuoteValue(SystemMethods.CurrentUTCDateTime))),
            new(t.DescriptionColumn, description),
        };
        var expression = new InsertDataExpression { SchemaName = t.Schema, TableName = t.Table };
        expression.Rows.Add(row);
        return expression;
    }

    /// <summary>The statement FluentMigrator's version loader runs for a reverted migration.</summary>
    public static IMigrationExpression DeleteExpression(long version, VersionTable? table = null)
    {
        var t = table ?? VersionTable.Default;
        var expression = new DeleteDataExpression { SchemaName = t.Schema, TableName = t.Table };
        expression.Rows.Add([new(t.VersionColumn, version)]);
        return expression;
    }

    private static readonly PostgresQuoter Quoter = new(new PostgresOptions());
}
