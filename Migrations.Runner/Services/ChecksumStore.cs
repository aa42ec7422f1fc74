using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>A checksum as recorded when its migration was applied, baselined, backfilled or repaired.</summary>
public sealed record StoredChecksum(long Version, string Checksum, DateTime RecordedOnUtc, string RecordedBy);

/// <summary>An applied migration whose SQL is no longer what ran.</summary>
public sealed record ChecksumMismatch(long Version, string Name, string Recorded, string Current);

/// <summary>
/// The companion of FluentMigrator's <c>VersionInfo</c> (which cannot take extra columns): one row per applied
/// version with the SHA-256 of the SQL it ran. <c>VersionInfo</c> stays the record of what ran; this table only
/// says whether the code still says the same.
/// </summary>
public static class ChecksumStore
{
    public const string Table = "VersionInfoChecksums";

    private const string Qualified = $"{VersionHistory.Schema}.\"{Table}\"";

    public static async Task EnsureTableAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {Qualified} (
                "Version" bigint PRIMARY KEY,
                "Checksum" text NOT NULL,
                "RecordedOn" timestamptz NOT NULL DEFAULT now(),
                "RecordedBy" text NOT NULL,
                "PreviousChecksum" text
            )
            """, cancellationToken);
    }

    /// <summary>Every stored checksum; empty when the table does not exist.</summary>
    public static async Task<IReadOnlyDictionary<long, StoredChecksum>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand($"""SELECT "Version", "Checksum", "RecordedOn", "RecordedBy" FROM {Qualified}""", connection);
        var result = new Dictionary<long, StoredChecksum>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result[reader.GetInt64(0)] = new StoredChecksum(reader.GetInt64(0), reader.GetString(1), reader.GetDateTime(2), reader.GetString(3));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return result;
        }

        return result;
    }

    /// <summary>Records (or replaces) the checksum of <paramref name="version"/>, keeping the one it replaces.</summary>
    public static async Task RecordAsync(NpgsqlConnection connection, long version, string checksum, string recordedBy, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {Qualified} ("Version", "Checksum", "RecordedBy") VALUES (@version, @checksum, @by)
            ON CONFLICT ("Version") DO UPDATE SET "PreviousChecksum" = {Qualified}."Checksum", "Checksum" = excluded."Checksum",
                "RecordedOn" = now(), "RecordedBy" = excluded."RecordedBy"
            """, connection);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("checksum", checksum);
        command.Parameters.AddWithValue("by", recordedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task DeleteAsync(NpgsqlConnection connection, long version, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand($"""DELETE FROM {Qualified} WHERE "Version" = @version""", connection);
        command.Parameters.AddWithValue("version", version);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Applied versions whose recorded checksum differs from what their code generates now.</summary>
    public static IReadOnlyList<ChecksumMismatch> Mismatches(
        IReadOnlyList<MigrationEntry> catalog,
        IReadOnlyDictionary<long, string> current,
        IReadOnlyDictionary<long, StoredChecksum> stored)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. catalog
            .Where(m => stored.TryGetValue(m.Version, out var s) && current.TryGetValue(m.Version, out var c) && s.Checksum != c)
            .Select(m => new ChecksumMismatch(m.Version, m.Name, stored[m.Version].Checksum, current[m.Version]))];
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
