using Npgsql;
using NpgsqlTypes;

namespace Migrations.Runner.Verification;

/// <summary>Rows seeded into one table, told apart from every other row by the transaction that wrote them.</summary>
internal sealed record Seeded(string Table, SchemaUnit Unit, string SeededBy, long Count);

/// <summary>
/// The rows of <c>verify --with-data</c> (<see cref="SeedSql"/>): seeded into every table before a Down, counted after
/// it, and deleted again before the next Up, so that every Up runs on the tables as the migrations alone left them.
/// </summary>
internal static class DataSeeds
{
    /// <summary>Rows per table: enough for a foreign key to find its rows, few enough to cost little.</summary>
    public const int RowsPerTable = 3;

    /// <summary>Seeds every table it can; returns what it seeded and, for each table it could not fill, why.</summary>
    public static async Task<(IReadOnlyList<Seeded> Seeded, IReadOnlyList<(string Table, string Reason)> Skipped)> SeedAsync(
        NpgsqlConnection connection, IReadOnlyList<string> excluded, CancellationToken cancellationToken)
    {
        var seeded = new List<Seeded>();
        var skipped = new List<(string, string)>();
        await using var command = new NpgsqlCommand($"SELECT * FROM {FingerprintSql.Schema}.seed($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = excluded.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = RowsPerTable });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            if (reader.IsDBNull(3))
            {
                skipped.Add((table, reader.IsDBNull(5) ? "" : reader.GetString(5)));
                continue;
            }

            var unit = new SchemaUnit("r", reader.GetString(1), reader.GetString(2));
            seeded.Add(new Seeded(table, unit, reader.GetString(3), reader.GetInt64(4)));
        }

        return (seeded, skipped);
    }

    /// <summary>The tables of <paramref name="watched"/> that still exist but lost seeded rows: (table, seeded, kept).</summary>
    public static async Task<IReadOnlyList<RowsLost>> LostAsync(
        NpgsqlConnection connection, IReadOnlyList<Seeded> watched, CancellationToken cancellationToken)
    {
        var lost = new List<RowsLost>();
        if (watched.Count == 0)
        {
            return lost;
        }

        await using var command = Call("kept", watched, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var index = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var seeds = watched[index++];
            if (!reader.IsDBNull(1) && reader.GetInt64(1) < seeds.Count)
            {
                lost.Add(new RowsLost(seeds.Table, seeds.Count, reader.GetInt64(1)));
            }
        }

        return lost;
    }

    /// <summary>
    /// Deletes what is left of the seeded rows, the last seeded first (a foreign key's rows before the ones they refer to).
    /// </summary>
    public static async Task UnseedAsync(NpgsqlConnection connection, IReadOnlyList<Seeded> seeded, CancellationToken cancellationToken)
    {
        if (seeded.Count > 0)
        {
            await using var command = Call("unseed", seeded, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static NpgsqlCommand Call(string function, IReadOnlyList<Seeded> seeded, NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand($"SELECT * FROM {FingerprintSql.Schema}.{function}($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = seeded.Select(s => s.Table).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = seeded.Select(s => s.SeededBy).ToArray(),
        });
        return command;
    }
}
