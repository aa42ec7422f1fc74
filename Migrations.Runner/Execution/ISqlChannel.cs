using System.Data;

namespace Migrations.Runner.Execution;

/// <summary>
/// What the pipeline and its processor send to the migration session, and ask it. The seam that lets batching,
/// ordering and failure handling be tested without a server (a recording stub in the tests); the runner's one
/// implementation is <see cref="NpgsqlChannel"/>.
/// </summary>
internal interface ISqlChannel
{
    /// <summary>Runs one command: in the transaction <see cref="Begin"/> opened, else in autocommit.</summary>
    void Execute(string sql);

    /// <summary>
    /// Runs a command of many statements in one round trip. Each row whose first column is named
    /// <paramref name="markerColumn"/> is handed to <paramref name="onMarker"/> (its index and the server's clock) as it
    /// arrives, and each result set of <paramref name="trailer"/>'s to it; a failure throws after the markers before it
    /// were handed over.
    /// </summary>
    void SendBatch(string script, string markerColumn, BatchTrailer? trailer, Action<int, DateTime> onMarker);

    /// <summary>Opens the transaction later commands join, until <see cref="EndTransaction"/>.</summary>
    void Begin();

    /// <summary>Forgets the transaction after a COMMIT sent as text.</summary>
    void EndTransaction();

    /// <summary>Rolls back whatever is open, if anything; never throws, so a failure being reported stays the one reported.</summary>
    void RollBackQuietly();

    /// <summary>Asks the server to cancel the command in flight, if any; from another thread.</summary>
    void Cancel();

    /// <summary>Whether the session is inside a transaction block (one a script's own BEGIN opened).</summary>
    bool InTransactionBlock();

    /// <summary>Whether the query returns a row (FluentMigrator's schema questions).</summary>
    bool Exists(string sql, IReadOnlyList<object> values);

    DataSet Read(string sql);

    /// <summary>C# a migration runs against the connection, in its transaction (<c>Execute.WithConnection</c>).</summary>
    void Perform(Action<IDbConnection, IDbTransaction?> operation);
}
