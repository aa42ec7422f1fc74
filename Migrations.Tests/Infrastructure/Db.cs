using System.Collections.Concurrent;
using Migrations.Runner.Catalog;
using Migrations.Runner.History;
using Migrations.Runner.Schema;
using Migrations.Runner.Services;
using Migrations.Runner.Verification;
using Npgsql;

namespace Migrations.Tests.Infrastructure;

/// <summary>Small database chores for tests: queries, snapshots, migrations.</summary>
public static class Db
{
    private static readonly ConcurrentDictionary<string, NpgsqlDataSource> UntypedSources = new();

    /// <summary>
    /// A pooled connection that skips Npgsql's load of the database's types: every test database is a new pool whose
    /// first connection would otherwise run that catalog query, for chores that read only built-in types (the catalog
    /// snapshots and the bookkeeping tables among them).
    /// </summary>
    public static NpgsqlConnection Untyped(string connectionString) =>
        UntypedSources.GetOrAdd(connectionString, static cs =>
        {
            var builder = new NpgsqlDataSourceBuilder(cs);
            builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
            return builder.Build();
        }).CreateConnection();

    /// <summary>
    /// Closes the idle pooled connections to one database, Npgsql's default pool's and these chores': CREATE DATABASE ...
    /// TEMPLATE refuses while anyone is connected to the template, and a database-level setting reaches new sessions
    /// only. The other classes' pools stay: clearing them all made every running class open its sessions again.
    /// </summary>
    public static void ClearPool(string connectionString)
    {
        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        if (UntypedSources.TryGetValue(connectionString, out var source))
        {
            source.Clear();
        }
    }

    /// <summary>
    /// Closes every idle pooled connection, these chores' included: before a role is dropped, wherever its sessions are.
    /// </summary>
    public static void ClearAllPools()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var source in UntypedSources.Values)
        {
            source.Clear();
        }
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = Untyped(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Creates the runner's bookkeeping tables, empty: a database with objects made by hand but no VersionInfo is
    /// refused by up (nothing says which migrations built it), so a test that prepares such objects creates these first.
    /// </summary>
    public static async Task CreateVersionTablesAsync(string connectionString)
    {
        await using var connection = Untyped(connectionString);
        await connection.OpenAsync();
        await VersionHistory.EnsureTablesAsync(connection);
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = Untyped(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static async Task<List<long>> AppliedVersionsAsync(string connectionString)
    {
        await using var connection = Untyped(connectionString);
        await connection.OpenAsync();
        return [.. (await VersionHistory.ReadAsync(connection)).Select(a => a.Version)];
    }

    /// <summary>Each VersionInfo row as (version, description), in version order.</summary>
    public static async Task<List<(long Version, string? Description)>> VersionRowsAsync(string connectionString)
    {
        await using var connection = Untyped(connectionString);
        await connection.OpenAsync();
        return [.. (await VersionHistory.ReadAsync(connection)).Select(a => (a.Version, a.Description))];
    }

    public static async Task<SchemaSnapshot> SnapshotAsync(string connectionString, SnapshotOptions? options = null)
    {
        await using var connection = Untyped(connectionString);
        await connection.OpenAsync();
        return await SchemaReader.ReadAsync(connection, options);
    }

    /// <summary>Records <paramref name="version"/> as applied in VersionInfo without running anything, as a newer build would.</summary>
    public static Task RecordAppliedAsync(string connectionString, long version, string description) =>
        ExecuteAsync(connectionString, $"""
            INSERT INTO "VersionInfo" ("Version", "AppliedOn", "Description")
            VALUES ({version}, now(), '{description.Replace("'", "''", StringComparison.Ordinal)}')
            """);

    /// <summary>The tables of schema public, the runner's VersionInfo and VersionInfoChecksums left out.</summary>
    public static async Task<long> ApplicationTableCountAsync(string connectionString) =>
        await ScalarAsync<long>(connectionString, $"""
            SELECT count(*) FROM pg_tables
            WHERE schemaname = 'public' AND tablename <> ALL (ARRAY['{string.Join("', '", SnapshotOptions.BookkeepingTables)}'])
            """);

    /// <summary>Differences as text, one per line, for assertion messages.</summary>
    public static string Describe(IReadOnlyList<SchemaDifference> differences) =>
        differences.Count == 0 ? "(none)" : string.Join("\n", differences.Select(d => d.Describe()));

    /// <summary>A round trip's failing versions as text, one version a line and its differences indented, for assertion messages.</summary>
    public static string Describe(IEnumerable<RoundTripFailure> failures) => string.Join("\n", failures.Select(f =>
        $"{f.Migration.Version} {f.Migration.Name}: {f.Check} {f.Error?.Sql?.MessageText ?? f.Error?.Reason}\n  "
        + Describe(f.Differences).Replace("\n", "\n  ", StringComparison.Ordinal)));

    public static MigrationService Service(string connectionString, MigrationSet? migrations = null) =>
        new(migrations ?? MigrationSet.Default, connectionString);

    public static MigrationSet Samples => MigrationSet.Load([Cli.SamplesAssembly]);
}
