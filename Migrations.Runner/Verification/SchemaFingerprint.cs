using Migrations.Runner.Session;
using Npgsql;
using NpgsqlTypes;

namespace Migrations.Runner.Verification;

/// <summary>One object of the schema as the fingerprint knows it: a kind ('r', 't', 'f', 's', 'e'), a schema, a name.</summary>
internal readonly record struct SchemaUnit(string Kind, string Schema, string Name);

/// <summary>
/// A schema's fingerprint, kept on the client as a hash per object and brought up to date after each migration by
/// hashing, on the server, only the objects that migration touched: event triggers note them as the migration runs,
/// in its own transaction (so a migration that fails notes nothing). The cost of a refresh follows the size of the
/// migration, not of the schema, which keeps a round trip over N migrations linear in N. Where event triggers cannot be
/// created (they need a superuser), every refresh hashes the whole schema.
/// </summary>
internal sealed class SchemaFingerprint : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly Dictionary<SchemaUnit, string> _hashes = [];
    private readonly Dictionary<long, SchemaUnit> _byOid = [];

    private SchemaFingerprint(NpgsqlConnection connection, bool incremental)
    {
        _connection = connection;
        Incremental = incremental;
    }

    /// <summary>The session the fingerprint reads on, outside any migration: the seeding of --with-data uses it too.</summary>
    public NpgsqlConnection Connection => _connection;

    /// <summary>Whether refreshes hash only what changed (event triggers installed), rather than everything.</summary>
    public bool Incremental { get; }

    /// <summary>
    /// Installs the event triggers in the (scratch) database when the role may, and hashes the whole schema once.
    /// The database must hold nothing but the bookkeeping tables and what migrations created since it was empty.
    /// </summary>
    public static async Task<SchemaFingerprint> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = await Database.OpenAsync(connectionString, pooling: false, cancellationToken);
        try
        {
            bool superuser;
            await using (var check = new NpgsqlCommand("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", connection))
            {
                superuser = (bool)(await check.ExecuteScalarAsync(cancellationToken))!;
            }

            var install = FingerprintSql.Install + ";\n" + SeedSql.Install + (superuser ? ";\n" + FingerprintSql.EventTriggers : "");
            await using (var command = new NpgsqlCommand(install, connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var setup = new NpgsqlCommand(FingerprintSql.SessionSetup, connection))
            {
                await setup.ExecuteNonQueryAsync(cancellationToken);
            }

            var fingerprint = new SchemaFingerprint(connection, superuser);
            await fingerprint.HashAsync([], everything: true, cancellationToken);
            return fingerprint;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The hash of <paramref name="unit"/> as last refreshed; null when it does not exist.</summary>
    public string? this[SchemaUnit unit] => _hashes.GetValueOrDefault(unit);

    /// <summary>
    /// Brings the fingerprint up to date with the database after a migration landed. Returns, for every object the
    /// refresh looked at, its hash before the refresh (null where it did not exist).
    /// </summary>
    public async Task<IReadOnlyDictionary<SchemaUnit, string?>> RefreshAsync(CancellationToken cancellationToken)
    {
        var previous = await HashAsync([], everything: !Incremental, cancellationToken);
        if (!Incremental)
        {
            // Everything was hashed: what was known and is gone was looked at too.
            foreach (var gone in _hashes.Keys.Where(k => !previous.ContainsKey(k)).ToList())
            {
                previous[gone] = _hashes[gone];
                _hashes.Remove(gone);
            }
        }

        return previous;
    }

    // Hashes the noted objects and the ones named; returns each one's hash before. A renamed object is noted under its
    // new name only: the object that had its oid under another name is looked at again, and is found gone.
    private async Task<Dictionary<SchemaUnit, string?>> HashAsync(
        List<SchemaUnit> named, bool everything, CancellationToken cancellationToken)
    {
        var previous = new Dictionary<SchemaUnit, string?>();
        var renamed = new List<SchemaUnit>();
        var sql = everything ? FingerprintSql.HashEverything : named.Count > 0 ? FingerprintSql.HashNamed : FingerprintSql.HashTouched;
        await using (var command = new NpgsqlCommand(sql, _connection))
        {
            if (named.Count > 0)
            {
                command.Parameters.Add(Texts(named.Select(u => u.Kind)));
                command.Parameters.Add(Texts(named.Select(u => u.Schema)));
                command.Parameters.Add(Texts(named.Select(u => u.Name)));
            }

            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var unit = new SchemaUnit(reader.GetString(0), reader.GetString(1), reader.GetString(2));
                previous[unit] = _hashes.GetValueOrDefault(unit);
                if (reader.IsDBNull(4))
                {
                    _hashes.Remove(unit);
                    continue;
                }

                _hashes[unit] = reader.GetString(4);
                var oid = reader.GetInt64(3);
                if (_byOid.TryGetValue(oid, out var before) && before != unit)
                {
                    renamed.Add(before);
                }

                _byOid[oid] = unit;
            }
        }

        var again = renamed.Where(u => !previous.ContainsKey(u)).ToList();
        if (again.Count > 0)
        {
            foreach (var (unit, hash) in await HashAsync(again, everything: false, cancellationToken))
            {
                previous.TryAdd(unit, hash);
            }
        }

        return previous;
    }

    private static NpgsqlParameter Texts(IEnumerable<string> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
