using Migrations.Runner.Errors;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Runner.Services;

/// <summary>
/// A database created for one comparison and always dropped afterwards, also when the work in it fails.
/// Created on the server of <c>serverConnectionString</c>, whose user needs CREATEDB.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private ScratchDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Creates <c>{forDatabase}_scratch_{random}</c>: a leftover (a killed runner) says whose it was.</summary>
    public static async Task<ScratchDatabase> CreateAsync(
        string serverConnectionString, string forDatabase, bool shadow = false, CancellationToken cancellationToken = default)
    {
        var name = $"{(forDatabase.Length > 20 ? forDatabase[..20] : forDatabase)}_scratch_{Guid.NewGuid():N}"
            [..Math.Min(63, Math.Min(forDatabase.Length, 20) + 21)];
        NpgsqlConnection connection;
        try
        {
            connection = await Database.OpenForCatalogAsync(serverConnectionString, cancellationToken);
        }
        catch (RunnerErrorException e) when (shadow && e.Error is ConnectionFailed failed)
        {
            // The operator must fix the shadow server's connection string, not the live one's.
            throw new RunnerErrorException(failed with { Shadow = true }, e.InnerException);
        }

        await using var _ = connection;
        try
        {
            // template0: template1 may carry local additions that are not part of any migration.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new RunnerErrorException(
                new ScratchDatabaseRefused(connection.Host ?? "", connection.Port, e.SqlState, e.MessageText), e);
        }

        return new ScratchDatabase(serverConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled idle sessions in the scratch database would block DROP DATABASE.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await using var connection = await Database.OpenForCatalogAsync(_serverConnectionString);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
