using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>
/// Indexes PostgreSQL marks INVALID: what an interrupted or failed <c>CREATE INDEX CONCURRENTLY</c> leaves behind.
/// <c>IF NOT EXISTS</c> then keeps the broken index silently, so they are found before migrating.
/// </summary>
public static class InvalidIndexes
{
    /// <summary>Schema-qualified, quoted names, ready for <c>DROP INDEX CONCURRENTLY</c>.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT format('%I.%I', n.nspname, c.relname)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT i.indisvalid ORDER BY 1
            """, connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Drops one, without blocking writes; needs a connection outside any transaction.</summary>
    public static async Task DropAsync(NpgsqlConnection connection, string qualifiedName, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(DropSql(qualifiedName), connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The statement <see cref="DropAsync"/> runs, as a preview prints it.</summary>
    public static string DropSql(string qualifiedName) => $"DROP INDEX CONCURRENTLY IF EXISTS {qualifiedName}";

    public static string DropStatements(IEnumerable<string> names) =>
        string.Join(" ", names.Select(n => $"DROP INDEX CONCURRENTLY {n};"));
}
