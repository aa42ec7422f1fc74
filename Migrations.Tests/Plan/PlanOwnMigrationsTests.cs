using System.Text.Json;
using Migrations.Runner.Catalog;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Plan;

/// <summary>plan over the repository's own migrations: embedded scripts, scripts with their own transactions, CONCURRENTLY.</summary>
public sealed class PlanOwnMigrationsTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Plan_of_an_empty_database_measures_every_migration_and_finds_nothing_risky_on_tables_without_rows()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "plan", "--json", "--fail-on", "risky");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(
            MigrationSet.Default.Entries.Select(e => e.Version),
            json.RootElement.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("version").GetInt64()));
        var inTransaction = json.RootElement.GetProperty("migrations").EnumerateArray()
            .ToDictionary(m => m.GetProperty("version").GetInt64(), m => m.GetProperty("inTransaction").GetBoolean());
        Assert.All(MigrationSet.Default.Entries.Where(e => !e.Transactional), e => Assert.False(inTransaction[e.Version]));
        Assert.Empty(await Db.AppliedVersionsAsync(database));
        Assert.Equal(0L, await Db.ApplicationTableCountAsync(database));
    }

    [Fact]
    public async Task Plan_of_a_database_with_nothing_pending_says_so_and_exits_0()
    {
        var database = await db.CreateMigratedDatabaseAsync();

        var result = await Cli.RunAsync(database, "plan", "--fail-on", "any");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.StartsWith("Nothing pending on ", result.Out, StringComparison.Ordinal);
    }
}
