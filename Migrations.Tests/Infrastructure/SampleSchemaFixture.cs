using Migrations.Runner.Schema;
using Npgsql;

namespace Migrations.Tests.Infrastructure;

/// <summary>A database holding <see cref="SampleSchema"/>, copied (CREATE DATABASE ... TEMPLATE) for each change to compare.</summary>
public sealed class SampleSchemaFixture : IAsyncLifetime
{
    private string _template = "";

    public DatabaseFixture Databases { get; } = new();

    public SchemaSnapshot Snapshot { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Databases.InitializeAsync();
        var database = await SampleSchema.CreateDatabaseAsync(Databases);
        Snapshot = await Db.SnapshotAsync(database);
        _template = new NpgsqlConnectionStringBuilder(database).Database!;
        // A template must have no sessions, and pooled connections stay open after use.
        Db.ClearPool(database);
    }

    /// <summary>A new database with the sample schema and <paramref name="change"/> applied.</summary>
    public async Task<string> ChangedCopyAsync(string change)
    {
        var database = await Databases.CreateDatabaseAsync(_template);
        await Db.ExecuteAsync(database, change);
        return database;
    }

    public Task DisposeAsync() => Databases.DisposeAsync();
}
