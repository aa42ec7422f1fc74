using Migrations.Runner.Catalog;
using Npgsql;

namespace Migrations.Runner.History;

/// <summary>A checksum as recorded when its migration was applied, baselined, backfilled or repaired.</summary>
public sealed record StoredChecksum(long Version, string Checksum, DateTime RecordedOnUtc, string RecordedBy);

/// <summary>An applied migration whose SQL is no longer what ran.</summary>
public sealed record ChecksumMismatch(long Version, string Name, string Recorded, string Current);

/// <summary>A checksum accepted by repair, and the one it replaced (none for a version that had no checksum yet).</summary>
public sealed record ChecksumAcceptance(long Version, string? Replaced, string Accepted, string? ClientUser);

/// <summary>
/// The companion of FluentMigrator's <c>VersionInfo</c> (which cannot take extra columns): one row per applied
/// version with the SHA-256 of the SQL it ran. <c>VersionInfo</c> stays the record of what ran; this table only
/// says whether the code still says the same.
/// </summary>
public static class ChecksumStore
{
    public const string Table = "VersionInfoChecksums";

    /// <summary>
    /// Every checksum repair replaced, one row per acceptance, never updated or deleted (not even when its version is
    /// reverted): who accepted which SQL as what ran, when, and what it replaced. <c>AcceptedBy</c> is the database
    /// role, <c>ClientUser</c> the operating-system user of the runner that did it.
    /// </summary>
    public const string HistoryTable = "VersionInfoChecksumHistory";

    private const string Qualified = $"{VersionHistory.Schema}.\"{Table}\"";

    private const string QualifiedHistory = $"{VersionHistory.Schema}.\"{HistoryTable}\"";

    internal const string CreateTableSql = $"""
        CREATE TABLE IF NOT EXISTS {Qualified} (
            "Version" bigint PRIMARY KEY,
            "Checksum" text NOT NULL,
            "RecordedOn" timestamptz NOT NULL DEFAULT now(),
            "RecordedBy" text NOT NULL,
            "PreviousChecksum" text
        );
        """;

    internal const string CreateHistoryTableSql = $"""
        CREATE TABLE IF NOT EXISTS {QualifiedHistory} (
            "Id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            "Version" bigint NOT NULL,
            "ReplacedChecksum" text,
            "AcceptedChecksum" text NOT NULL,
            "AcceptedOn" timestamptz NOT NULL DEFAULT now(),
            "AcceptedBy" text NOT NULL DEFAULT current_user,
            "ClientUser" text
        );
        """;

    /// <summary>Every stored checksum; empty when the table does not exist.</summary>
    public static async Task<IReadOnlyDictionary<long, StoredChecksum>> ReadAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            $"""SELECT "Version", "Checksum", "RecordedOn", "RecordedBy" FROM {Qualified}""", connection);
        var result = new Dictionary<long, StoredChecksum>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result[reader.GetInt64(0)] = new StoredChecksum(
                    reader.GetInt64(0), reader.GetString(1), reader.GetDateTime(2), reader.GetString(3));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return result;
        }

        return result;
    }

    /// <summary>Records (or replaces) the checksum of <paramref name="version"/>, keeping the one it replaces.</summary>
    public static async Task RecordAsync(
        NpgsqlConnection connection, long version, string checksum, string recordedBy, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(RecordSql(version, checksum, recordedBy), connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The statement that records a checksum, to run in the migration's own transaction (FluentMigrator's processor
    /// takes text, not parameters; every value here is a number, a hex digest or a constant).
    /// </summary>
    public static string RecordSql(long version, string checksum, string recordedBy)
    {
        if (!checksum.All(char.IsAsciiHexDigit) || !recordedBy.All(char.IsAsciiLetter))
        {
            throw new ArgumentException("a checksum is hex digits and recordedBy a plain word");
        }

        return FormattableString.Invariant($"""
            INSERT INTO {Qualified} ("Version", "Checksum", "RecordedBy") VALUES ({version}, '{checksum}', '{recordedBy}')
            ON CONFLICT ("Version") DO UPDATE SET "PreviousChecksum" = {Qualified}."Checksum", "Checksum" = excluded."Checksum",
                "RecordedOn" = now(), "RecordedBy" = excluded."RecordedBy"
            """);
    }

    /// <summary>
    /// Records each acceptance in the history and makes its checksum the recorded one, all in one transaction: a
    /// checksum is never replaced without its trace.
    /// </summary>
    public static async Task AcceptAsync(
        NpgsqlConnection connection, IReadOnlyList<ChecksumAcceptance> acceptances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acceptances);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var acceptance in acceptances)
        {
            await using var command = new NpgsqlCommand(
                $"""
                INSERT INTO {QualifiedHistory} ("Version", "ReplacedChecksum", "AcceptedChecksum", "ClientUser")
                VALUES (@version, @replaced, @accepted, @client);
                {RecordSql(acceptance.Version, acceptance.Accepted, "repair")}
                """,
                connection,
                transaction);
            command.Parameters.AddWithValue("version", acceptance.Version);
            command.Parameters.AddWithValue("replaced", (object?)acceptance.Replaced ?? DBNull.Value);
            command.Parameters.AddWithValue("accepted", acceptance.Accepted);
            command.Parameters.AddWithValue("client", (object?)acceptance.ClientUser ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The statement that forgets a reverted version's checksum, for the revert's own transaction.</summary>
    public static string DeleteSql(long version) => FormattableString.Invariant($"""DELETE FROM {Qualified} WHERE "Version" = {version}""");

    /// <summary>Applied versions whose recorded checksum differs from what their code generates now.</summary>
    public static IReadOnlyList<ChecksumMismatch> Mismatches(
        IReadOnlyList<MigrationEntry> catalog,
        IReadOnlyDictionary<long, string> current,
        IReadOnlyDictionary<long, StoredChecksum> stored,
        IReadOnlySet<long> applied)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. catalog
            .Where(m => applied.Contains(m.Version)
                && stored.TryGetValue(m.Version, out var s)
                && current.TryGetValue(m.Version, out var c)
                && s.Checksum != c)
            .Select(m => new ChecksumMismatch(m.Version, m.Name, stored[m.Version].Checksum, current[m.Version]))];
    }
}
