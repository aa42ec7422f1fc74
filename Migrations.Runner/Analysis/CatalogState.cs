using Npgsql;

namespace Migrations.Runner.Analysis;

/// <summary>
/// The catalog facts a migration's effect is read from, outside the system schemas: each relation's file
/// (relfilenode), each column's type and NOT NULL, each constraint's validation, each enum's values. Read before a
/// migration and again inside its transaction, the difference is what the server did.
/// </summary>
internal sealed class CatalogState
{
    private const string UserSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
        + "AND n.nspname NOT LIKE 'pg\\_temp%'";

    private const string Sql = $"""
        SELECT c.oid, format('%s.%s', n.nspname, c.relname), c.relkind::text, c.relfilenode::bigint, coalesce(i.indrelid, 0)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
        WHERE c.relkind IN ('r', 'p', 'm', 'v', 'i', 'I') AND {UserSchemas};
        SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND {UserSchemas};
        SELECT k.oid, k.conname, k.contype::text, k.convalidated, k.conrelid, k.confrelid, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {UserSchemas};
        SELECT t.oid, format('%s.%s', n.nspname, t.typname), string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE {UserSchemas} GROUP BY t.oid, n.nspname, t.typname;
        """;

    public sealed record Relation(uint Oid, string Name, string Kind, long FileNode, uint Table)
    {
        public bool IsTable => Kind is "r" or "p" or "m";

        public bool IsIndex => Kind is "i" or "I";
    }

    public sealed record Constraint(uint Oid, string Name, string Type, bool Validated, uint Table, uint References, string Definition);

    public Dictionary<uint, Relation> Relations { get; } = [];

    public Dictionary<(uint Table, string Column), (string Type, bool NotNull)> Columns { get; } = [];

    public Dictionary<uint, Constraint> Constraints { get; } = [];

    public Dictionary<uint, (string Name, string Values)> Enums { get; } = [];

    public static async Task<CatalogState> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var state = new CatalogState();
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var oid = reader.GetFieldValue<uint>(0);
            state.Relations[oid] = new(oid, reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetFieldValue<uint>(4));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            state.Columns[(reader.GetFieldValue<uint>(0), reader.GetString(1))] = (reader.GetString(2), reader.GetBoolean(3));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var oid = reader.GetFieldValue<uint>(0);
            state.Constraints[oid] = new(
                oid, reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetFieldValue<uint>(4),
                reader.GetFieldValue<uint>(5), reader.GetString(6));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            state.Enums[reader.GetFieldValue<uint>(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return state;
    }

    /// <summary>The relation locks this backend holds now, by relation, the strongest mode each.</summary>
    public static async Task<Dictionary<uint, string>> OwnLocksAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string Locks = """
            SELECT relation, mode FROM pg_locks
            WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """;
        var locks = new Dictionary<uint, List<string>>();
        await using var command = new NpgsqlCommand(Locks, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var relation = reader.GetFieldValue<uint>(0);
            if (!locks.TryGetValue(relation, out var modes))
            {
                locks[relation] = modes = [];
            }

            modes.Add(reader.GetString(1));
        }

        return locks.ToDictionary(l => l.Key, l => LockModes.Strongest(l.Value));
    }
}
