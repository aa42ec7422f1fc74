using System.Collections.Concurrent;
using System.Net.Sockets;
using Migrations.Runner.Errors;
using Npgsql;

namespace Migrations.Runner.Session;

/// <summary>Opening connections, with a typed error that names host, port, database and user (never the password).</summary>
public static class Database
{
    private static readonly ConcurrentDictionary<string, NpgsqlDataSource> CatalogSources = new(StringComparer.Ordinal);

    /// <exception cref="RunnerErrorException">
    /// The server cannot be reached or refuses the login; the message names host, port, database and user, never the password.
    /// </exception>
    public static Task<NpgsqlConnection> OpenAsync(
        string connectionString, bool pooling = true, CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!pooling)
        {
            builder.Pooling = false;
        }

        return OpenAsync(builder, new NpgsqlConnection(builder.ConnectionString), cancellationToken);
    }

    /// <summary>
    /// A connection for the runner's own statements on the catalog and its bookkeeping tables, which use only built-in
    /// types and arrays of them (reads, the bookkeeping's DDL, CREATE and DROP of scratch databases, verify's
    /// fingerprint): Npgsql's slim data source without loading the database's types, which a short run otherwise spends
    /// more on than on its queries. Never for running migrations, whose C# may read any type.
    /// </summary>
    /// <inheritdoc cref="OpenAsync(string, bool, CancellationToken)"/>
    public static Task<NpgsqlConnection> OpenForCatalogAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var source = CatalogSources.GetOrAdd(builder.ConnectionString, cs => new NpgsqlSlimDataSourceBuilder(cs)
            .EnableArrays()
            .ConfigureTypeLoading(t => t.EnableTypeLoading(false))
            .Build());
        return OpenAsync(builder, source.CreateConnection(), cancellationToken);
    }

    private static async Task<NpgsqlConnection> OpenAsync(
        NpgsqlConnectionStringBuilder builder, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw ConnectionFailed(builder, e);
        }
    }

    internal static RunnerErrorException ConnectionFailed(NpgsqlConnectionStringBuilder builder, Exception e)
    {
        var error = e is PostgresException pg
            ? new ConnectionFailed(
                builder.Host ?? "",
                builder.Port,
                builder.Database ?? builder.Username ?? "",
                builder.Username ?? "",
                pg.SqlState,
                pg.MessageText,
                ConnectionProblem.Refused)
            : new ConnectionFailed(
                builder.Host ?? "",
                builder.Port,
                builder.Database ?? builder.Username ?? "",
                builder.Username ?? "",
                null,
                Innermost(e).Message,
                Classify(Innermost(e)));
        return new RunnerErrorException(error, e);
    }

    // The client's own exceptions say how the stream ended ("Attempted to read past the end of the stream"); what the
    // operator needs is what was, or was not, on the other end.
    private static ConnectionProblem Classify(Exception innermost) => innermost switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => ConnectionProblem.NothingListening,
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }
            => ConnectionProblem.UnknownHost,
        SocketException { SocketErrorCode: SocketError.TimedOut } or TimeoutException => ConnectionProblem.TimedOut,
        EndOfStreamException or SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }
            => ConnectionProblem.NotPostgres,
        _ => ConnectionProblem.Other,
    };

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
