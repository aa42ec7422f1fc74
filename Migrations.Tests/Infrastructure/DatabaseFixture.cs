using System.Collections.Concurrent;
using Npgsql;

namespace Migrations.Tests.Infrastructure;

/// <summary>
/// Fresh databases for one test class on the shared <see cref="PostgresServer"/>; every database it created is dropped
/// when the class is done, so classes run in parallel without seeing each other.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private readonly ConcurrentBag<string> _created = [];

    public string ServerConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ServerConnectionString = await PostgresServer.GetConnectionStringAsync();

    /// <summary>Creates an empty database, or a copy of <paramref name="template"/>; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? template = null)
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        var sql = template is null
            ? $"CREATE DATABASE \"{name}\""
            : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"";
        // 15 made WAL_LOG the default, which writes every block of the copy to the WAL: for the suite's small databases
        // that costs more server CPU than FILE_COPY's file copy and checkpoint (in memory, see PostgresServer).
        if (PostgresServer.ServerVersion >= 150000)
        {
            sql += " STRATEGY FILE_COPY";
        }

        await ExecuteOnServerAsync(sql);
        _created.Add(name);
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// A fresh database holding every migration of the Migrations project, copied from a template migrated once per
    /// test run.
    /// </summary>
    public async Task<string> CreateMigratedDatabaseAsync() => await CreateDatabaseAsync(await MigratedTemplate.Value);

    /// <summary>
    /// A fresh database holding <c>legacy-sql/production/schema.sql</c>: production as the audit found it, with no
    /// history.
    /// </summary>
    public async Task<string> CreateProductionDatabaseAsync()
    {
        var database = await CreateDatabaseAsync();
        await Db.ExecuteAsync(database, await File.ReadAllTextAsync(Repository.ProductionSchemaFile));
        return database;
    }

    private static readonly Lazy<Task<string>> MigratedTemplate = new(async () =>
    {
        var server = await PostgresServer.GetConnectionStringAsync();
        var name = "tpl_migrated_" + Guid.NewGuid().ToString("N")[..12];
        await Db.ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        await Db.Service(connectionString).UpAsync(null);
        // CREATE DATABASE ... TEMPLATE refuses while anyone is connected to the template, pooled idle connections included.
        Db.ClearPool(connectionString);
        return name;
    });

    /// <summary>The connection string for database <paramref name="name"/> on the same server, as the same user.</summary>
    public string ConnectionStringFor(string name) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;

    public async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = Db.Untyped(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var name in _created)
        {
            Db.ClearPool(ConnectionStringFor(name));
        }

        // A few at a time: a drop whose sessions are still going away waits for them in naps of 0.1 s; more at once
        // would take connection slots the other classes need.
        await Parallel.ForEachAsync(
            _created,
            new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (name, _) => await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    }
}
