using Migrations.Runner.Schema;
using Migrations.Runner.Schema.Generation;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Generation;

/// <summary>
/// Two copies of the migrated template, both holding <see cref="GenerationCases.Seed"/> (so that every kind of object
/// exists to be dropped or changed): one is mutated, the other takes the generated script. Each case leaves both as
/// they started, so the pair serves every case of the class without a new database or a replay per case.
/// </summary>
public sealed class GenerationFixture : IAsyncLifetime
{
    private readonly DatabaseFixture _databases = new();

    public string Mutated { get; private set; } = "";

    public string Clean { get; private set; } = "";

    public SchemaSnapshot Original { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _databases.InitializeAsync();
        Mutated = await SeededAsync();
        Clean = await SeededAsync();
        Original = await Db.SnapshotAsync(Mutated);
    }

    private async Task<string> SeededAsync()
    {
        var database = await _databases.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, GenerationCases.Seed);
        return database;
    }

    /// <summary>Set by a case that proved both databases equal to the original again at its end.</summary>
    public bool Restored { get; set; } = true;

    /// <summary>A database that a failed case left changed is replaced, so one failure does not fail the cases after it.</summary>
    public async Task<string> RestoreAsync(string database)
    {
        if (Restored || SchemaComparer.Compare(Original, await Db.SnapshotAsync(database)).Count == 0)
        {
            return database;
        }

        var fresh = await SeededAsync();
        if (database == Mutated)
        {
            Mutated = fresh;
        }
        else
        {
            Clean = fresh;
        }

        return fresh;
    }

    /// <summary>Runs the script statement by statement in autocommit, as psql runs a file; names the failing statement.</summary>
    public static async Task ApplyAsync(string database, SchemaScript script)
    {
        await using var connection = Db.Untyped(database);
        await connection.OpenAsync();
        foreach (var statement in script.Statements)
        {
            try
            {
                await using var command = new NpgsqlCommand(statement.Sql, connection);
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"{e.SqlState} {e.MessageText}\nat: {statement.Sql}\nscript:\n{script.Sql}", e);
            }
        }
    }

    public Task DisposeAsync() => _databases.DisposeAsync();
}
