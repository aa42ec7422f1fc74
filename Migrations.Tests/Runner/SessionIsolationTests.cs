using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>
/// Each migration starts from the session state psql's fresh session per file would give it: what one migration sets
/// (settings, role, temporary tables) never reaches the next, in or out of a transaction.
/// </summary>
public sealed class SessionIsolationTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task What_a_migration_sets_does_not_reach_the_next_one()
    {
        var assembly = IsolationSamples.Compile("Isolation");
        var database = await db.CreateDatabaseAsync();

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly);

        Assert.True(up.ExitCode == 0, up.ToString());
        var seen = await Db.ScalarAsync<string>(database, "SELECT string_agg(DISTINCT settings || ' as ' || who, ' | ') FROM seen");
        var versions = await Db.ScalarAsync<long>(database, "SELECT count(DISTINCT version) FROM seen");
        Assert.Equal(3, versions);
        Assert.DoesNotContain("|", seen, StringComparison.Ordinal);
        Assert.StartsWith("0 / \"$user\", public / ", seen, StringComparison.Ordinal);
    }
}
