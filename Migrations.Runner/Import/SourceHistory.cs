using Migrations.Runner.Errors;
using Npgsql;

namespace Migrations.Runner.Import;

/// <summary>
/// What the old tool's history table says ran: the ids as the manifest holds them (<see cref="ManifestMigration.HistoryId"/>).
/// </summary>
/// <param name="Table">The table read.</param>
/// <param name="Applied">Applied ids, in the order the tool applied them where it says.</param>
public sealed record SourceHistory(string Table, IReadOnlyList<string> Applied);

/// <summary>
/// Reads each tool's history table as that tool writes it. Refuses what the tool itself would refuse to go on from:
/// golang-migrate's dirty flag, Flyway's failed rows.
/// </summary>
internal static class SourceHistoryReader
{
    public static string Table(SourceFormat format) => format switch
    {
        SourceFormat.GolangMigrate or SourceFormat.Dbmate => "schema_migrations",
        SourceFormat.Goose => "goose_db_version",
        SourceFormat.Flyway => "flyway_schema_history",
        SourceFormat.SqlMigrate => "gorp_migrations",
        SourceFormat.Diesel => "__diesel_schema_migrations",
        _ => "",
    };

    /// <summary>Null when the format has no history table, or the database has none of its shape.</summary>
    public static async Task<SourceHistory?> ReadAsync(
        NpgsqlConnection connection, ManifestImport import, CancellationToken cancellationToken)
    {
        var table = Table(import.Format);
        if (table.Length == 0 || !await ExistsAsync(connection, table, cancellationToken))
        {
            return null;
        }

        var hasDirty = await ScalarAsync(connection,
            $"SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('{table}') AND attname = 'dirty' AND NOT attisdropped",
            cancellationToken) is long and > 0;
        switch (import.Format)
        {
            case SourceFormat.GolangMigrate when hasDirty:
                var rows = await RowsAsync(connection, "SELECT version::text, dirty::text FROM schema_migrations", cancellationToken);
                if (rows.Count == 0)
                {
                    return new SourceHistory(table, []);
                }

                if (rows[0][1] == "true")
                {
                    throw new RunnerErrorException(new SourceHistoryDirty(table, rows[0][0]));
                }

                // One row, the current version: every version up to it ran, and it must be one of the folder's.
                var current = rows[0][0];
                return new SourceHistory(table, import.Migrations.Any(m => m.HistoryId == current)
                    ? [.. import.Migrations.Where(m => !m.Prelude && SourceFiles.CompareNumbers(m.HistoryId, current) <= 0)
                        .Select(m => m.HistoryId)]
                    : [current]);
            case SourceFormat.Dbmate when !hasDirty:
                return await ColumnAsync(connection, table, "SELECT version FROM schema_migrations ORDER BY version", cancellationToken);
            case SourceFormat.Goose:
                return await ColumnAsync(connection, table, """
                    SELECT version_id::text FROM (
                        SELECT DISTINCT ON (version_id) version_id, is_applied, id
                        FROM goose_db_version ORDER BY version_id, id DESC) newest
                    WHERE is_applied AND version_id <> 0 ORDER BY id
                    """, cancellationToken);
            case SourceFormat.Flyway:
                return await FlywayAsync(connection, import, cancellationToken);
            case SourceFormat.SqlMigrate:
                return await ColumnAsync(connection, table, "SELECT id FROM gorp_migrations ORDER BY applied_at, id", cancellationToken);
            case SourceFormat.Diesel:
                return await ColumnAsync(connection, table, $"SELECT version FROM {table} ORDER BY version", cancellationToken);
            default:
                return null;
        }
    }

    private static async Task<SourceHistory> FlywayAsync(
        NpgsqlConnection connection, ManifestImport import, CancellationToken cancellationToken)
    {
        const string table = "flyway_schema_history";
        var rows = await RowsAsync(connection,
            $"SELECT coalesce(version, ''), type, success::text, coalesce(script, '') FROM {table} ORDER BY installed_rank",
            cancellationToken);
        var failed = rows.Where(r => r[2] != "true").Select(r => r[0].Length > 0 ? r[0] : r[3]).ToList();
        if (failed.Count > 0)
        {
            throw new RunnerErrorException(new SourceHistoryFailed(table, failed));
        }

        var applied = new List<string>();
        foreach (var row in rows.Where(r => r[0].Length > 0))
        {
            switch (row[1])
            {
                case "UNDO_SQL":
                    applied.RemoveAll(v => SourceFiles.CompareFlyway(v, row[0]) == 0);
                    break;
                case "BASELINE":
                    applied.AddRange(import.Migrations.Where(m => !m.Prelude && SourceFiles.CompareFlyway(m.HistoryId, row[0]) <= 0)
                        .Select(m => m.HistoryId));
                    break;
                case "SQL" or "JDBC" or "SCRIPT":
                    applied.Add(row[0]);
                    break;
                default:
                    break;
            }
        }

        return new SourceHistory(table, applied);
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, $"SELECT to_regclass('{table}') IS NOT NULL", cancellationToken) is true;

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<SourceHistory> ColumnAsync(
        NpgsqlConnection connection, string table, string sql, CancellationToken cancellationToken) =>
        new(table, [.. (await RowsAsync(connection, sql, cancellationToken)).Select(r => r[0])]);

    private static async Task<List<string[]>> RowsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount)
                .Select(i => reader.IsDBNull(i) ? "" : reader.GetValue(i).ToString() ?? "")]);
        }

        return rows;
    }
}
