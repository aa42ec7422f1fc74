using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>A row of FluentMigrator's <c>VersionInfo</c>.</summary>
public sealed record AppliedMigration(long Version, DateTime? AppliedOnUtc, string? Description);

/// <summary>Reads <c>VersionInfo</c> without creating it (FluentMigrator's own loader creates it as a side effect).</summary>
public static class VersionHistory
{
    public const string Schema = "public";
    public const string Table = "VersionInfo";

    /// <summary>The applied migrations in version order; empty when the table does not exist yet.</summary>
    /// <exception cref="RunnerException">The table exists with a shape FluentMigrator did not create.</exception>
    public static async Task<IReadOnlyList<AppliedMigration>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass(format('%I.%I', @schema, @table)) AND a.attnum > 0 AND NOT a.attisdropped
            """, connection))
        {
            command.Parameters.AddWithValue("schema", Schema);
            command.Parameters.AddWithValue("table", Table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (columns.Count == 0)
        {
            return [];
        }

        // FluentMigrator creates the table in three steps (table, AppliedOn + unique index, Description), each its own
        // transaction: a runner killed between them leaves a table that lacks the later columns, which the next run adds.
        if (!columns.TryGetValue("Version", out var versionType) || versionType != "bigint")
        {
            throw new RunnerException(
                $"{Schema}.\"{Table}\" has an unexpected shape ({string.Join(", ", columns.Select(c => $"{c.Key} {c.Value}"))}); FluentMigrator's has Version bigint, AppliedOn, Description",
                "this table was not created by FluentMigrator: rename it, or point the runner at the right database");
        }

        var applied = new List<AppliedMigration>();
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT "Version", {(columns.ContainsKey("AppliedOn") ? "\"AppliedOn\"::timestamp" : "NULL::timestamp")}, {(columns.ContainsKey("Description") ? "\"Description\"::text" : "NULL::text")}
            FROM {Schema}."{Table}" ORDER BY "Version"
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

        return applied;
    }
}
