using System.Data;
using System.Globalization;
using Npgsql;

namespace Migrations.Runner.Execution;

/// <summary>The migration session's connection as the pipeline uses it.</summary>
internal sealed class NpgsqlChannel(NpgsqlConnection connection) : ISqlChannel
{
    // Migrations may run long (backfills, index builds): the server's statement_timeout is the limit that counts.
    internal const int CommandTimeoutSeconds = 24 * 60 * 60;

    private NpgsqlTransaction? _transaction;
    private volatile NpgsqlCommand? _inFlight;

    public void Execute(string sql)
    {
        using var command = Command(sql);
        _inFlight = command;
        try
        {
            command.ExecuteNonQuery();
        }
        finally
        {
            _inFlight = null;
        }
    }

    public void Cancel() => _inFlight?.Cancel();

    public void SendBatch(string script, string markerColumn, BatchTrailer? trailer, Action<int, DateTime> onMarker)
    {
        ArgumentNullException.ThrowIfNull(onMarker);
        using var command = Command(script);
        _inFlight = command;
        using var reader = command.ExecuteReader();
        do
        {
            if (trailer is not null && reader.FieldCount > 0 && reader.GetName(0) == trailer.Column)
            {
                trailer.Read(reader);
                continue;
            }

            // A migration's own statements may return rows too.
            while (reader.FieldCount == 2 && reader.GetName(0) == markerColumn && reader.Read())
            {
                onMarker(reader.GetInt32(0), reader.GetDateTime(1));
            }
        }
        while (reader.NextResult());
        _inFlight = null;
    }

    public void Begin() => _transaction = connection.BeginTransaction();

    public void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
    }

    public void RollBackQuietly()
    {
        try
        {
            if (_transaction is { } transaction)
            {
                transaction.Rollback();
            }
            else
            {
                using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                rollback.ExecuteNonQuery();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or NpgsqlException)
        {
            // Nothing left to roll back: PostgreSQL ended the transaction with the session.
        }
        finally
        {
            EndTransaction();
        }
    }

    // A savepoint is refused (25P01) outside a transaction block, and harmless inside one, which is rolled back next.
    public bool InTransactionBlock()
    {
        try
        {
            Execute("SAVEPOINT migrations_runner_probe");
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.NoActiveSqlTransaction)
        {
            return false;
        }
    }

    public bool Exists(string sql, IReadOnlyList<object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var command = Command(sql);
        for (var i = 0; i < values.Count; i++)
        {
            command.Parameters.AddWithValue("p" + i.ToString(CultureInfo.InvariantCulture), values[i]);
        }

        using var reader = command.ExecuteReader();
        return reader.Read();
    }

    public DataSet Read(string sql)
    {
        using var command = Command(sql);
        using var adapter = new NpgsqlDataAdapter(command);
        var data = new DataSet { Locale = CultureInfo.InvariantCulture };
        adapter.Fill(data);
        return data;
    }

    public void Perform(Action<IDbConnection, IDbTransaction?> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        operation(connection, _transaction);
    }

    private NpgsqlCommand Command(string sql)
    {
        try
        {
            return new(sql, connection, _transaction) { CommandTimeout = CommandTimeoutSeconds };
        }
        catch (InvalidOperationException) when (_transaction is not null)
        {
            // C# a migration ran (Execute.WithConnection) committed or rolled back the transaction, which Npgsql then
            // refuses to join: the commands after it go without one, and the pipeline's guard reports what happened.
            EndTransaction();
            return new(sql, connection) { CommandTimeout = CommandTimeoutSeconds };
        }
    }
}
