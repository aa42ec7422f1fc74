using System.Data;
using Migrations.Runner.Execution;
using Migrations.Runner.Session;
using Npgsql;

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
    private List<Row>? _taken;

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
        var connection = await Database.OpenForCatalogAsync(connectionString, cancellationToken);
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
            fingerprint.Hash(everything: true, cancellationToken);
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
    /// What a migration session's pipeline sends inside each migration's transaction so that the refresh after it needs
    /// no round trip of its own; null where refreshes hash everything.
    /// </summary>
    public BatchTrailer? Trailer => Incremental ? new BatchTrailer(FingerprintSql.TakeTouched, FingerprintSql.KindColumn, Take) : null;

    /// <summary>
    /// Brings the fingerprint up to date with the database after a migration landed. Returns, for every object the
    /// refresh looked at, its hash before the refresh (null where it did not exist).
    /// </summary>
    public IReadOnlyDictionary<SchemaUnit, string?> Refresh(CancellationToken cancellationToken)
    {
        if (_taken is { } taken)
        {
            _taken = null;
            return Apply(taken);
        }

        var previous = Hash(everything: !Incremental, cancellationToken);
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

    /// <summary>Forgets what the trailer read in a migration that then failed: its transaction took the notes back too.</summary>
    public void Discard() => _taken = null;

    /// <summary>
    /// Hands over what the trailer read for the migration that just landed, null when it sent none: a step run ahead of
    /// its check keeps its rows until <see cref="Restore"/> gives them back for the refresh after it.
    /// </summary>
    public List<Row>? TakeTrailerRows()
    {
        var taken = _taken;
        _taken = null;
        return taken;
    }

    /// <summary>Gives back a step's rows (<see cref="TakeTrailerRows"/>): the next refresh applies them.</summary>
    public void Restore(List<Row> rows) => _taken = rows;

    // The trailer's rows, read as they arrive on the migration session, kept until the migration is known to have landed.
    private void Take(IDataReader reader)
    {
        _taken ??= [];
        while (reader.Read())
        {
            _taken.Add(Row.Read(reader));
        }
    }

    /// <summary>Takes, on the fingerprint's own session, the rows a trailer would have read after the migration that just landed.</summary>
    public List<Row> TakeTouched(CancellationToken cancellationToken) => Query(FingerprintSql.TakeTouched, cancellationToken);

    private Dictionary<SchemaUnit, string?> Hash(bool everything, CancellationToken cancellationToken) =>
        Apply(Query(everything ? FingerprintSql.HashEverything : FingerprintSql.TakeTouched, cancellationToken));

    private List<Row> Query(string sql, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        using var command = new NpgsqlCommand(sql, _connection);
        cancellationToken.ThrowIfCancellationRequested();
        using var cancelling = cancellationToken.Register(command.Cancel);
        try
        {
            command.Prepare();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(Row.Read(reader));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return rows;
    }

    // Takes in the hashes of the rows; returns each one's hash before. A renamed relation, type or schema is noted under
    // its new name only: the name its oid had before is gone, unless something took it in the same migration, which is
    // then noted too (a function's old name is noted by the event trigger, since others of its name may stay). Nothing
    // is asked of the database, which a step run ahead of its check has already left behind.
    private Dictionary<SchemaUnit, string?> Apply(List<Row> rows)
    {
        var previous = new Dictionary<SchemaUnit, string?>();
        var renamed = new List<SchemaUnit>();
        foreach (var (unit, oid, hash) in rows)
        {
            previous[unit] = _hashes.GetValueOrDefault(unit);
            if (hash is null)
            {
                _hashes.Remove(unit);
                continue;
            }

            _hashes[unit] = hash;
            if (_byOid.TryGetValue(oid, out var before) && before != unit)
            {
                renamed.Add(before);
            }

            _byOid[oid] = unit;
        }

        foreach (var gone in renamed.Where(u => !previous.ContainsKey(u)))
        {
            previous[gone] = _hashes.GetValueOrDefault(gone);
            _hashes.Remove(gone);
        }

        return previous;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    internal readonly record struct Row(SchemaUnit Unit, long Oid, string? Hash)
    {
        public static Row Read(IDataRecord record) => new(
            new SchemaUnit(record.GetString(0), record.GetString(1), record.GetString(2)),
            record.IsDBNull(3) ? 0 : record.GetInt64(3),
            record.IsDBNull(4) ? null : record.GetString(4));
    }
}
