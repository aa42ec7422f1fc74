using System.Collections.Concurrent;
using System.Globalization;
using Migrations.Runner.Cli;
using Migrations.Runner.Schema;
using Npgsql;

namespace Migrations.Tests.Infrastructure;

/// <summary>Databases for the sample migrations, their settings, and what a clean run of them leaves.</summary>
public static class SampleDatabases
{
    /// <summary>Every sample version up to the slow set, in order: what <c>up --to 2005</c> applies.</summary>
    public static IReadOnlyList<long> ThroughSlowSet { get; } = [1001, 1002, 1003, 1004, 1005, 1100, 2001, 2002, 2003, 2004, 2005];

    private static readonly ConcurrentDictionary<long, Lazy<Task<SchemaSnapshot>>> References = new();

    /// <summary>
    /// An empty database for the sample migrations. Past 1100 (which reads a table that does not exist, to fail on
    /// purpose) the table is created first so that the migrations after it can be reached.
    /// </summary>
    public static async Task<string> CreateAsync(DatabaseFixture db, bool pastBrokenScript)
    {
        ArgumentNullException.ThrowIfNull(db);
        var database = await db.CreateDatabaseAsync();
        if (pastBrokenScript)
        {
            await Db.CreateVersionTablesAsync(database);
            await Db.ExecuteAsync(database, "CREATE TABLE no_such_table (id integer)");
        }

        return database;
    }

    /// <summary>
    /// Drops a trial's database at once rather than with the class: a full run makes hundreds, and the idle pooled
    /// sessions this process keeps to each would exhaust the server's max_connections.
    /// </summary>
    public static async Task DropAsync(DatabaseFixture db, string database)
    {
        ArgumentNullException.ThrowIfNull(db);
        Db.ClearPool(database);
        await db.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(database).Database}\" WITH (FORCE)");
    }

    /// <summary>
    /// Sets (or with null, resets) a database-level setting such as <c>samples.sleep</c>. Sessions read these when
    /// they start, so the pools to that database are cleared: a pooled session would keep the old value.
    /// </summary>
    /// <summary>
    /// A runner process applying the samples up to 2005 on a fresh database, returned once its session sleeps inside
    /// migration 2001 (for <paramref name="sleepSeconds"/>): what a kill or an interrupt in the middle of a migration needs.
    /// </summary>
    public static async Task<(string Database, RunnerProcess Runner)> StartSleepingIn2001Async(DatabaseFixture db, string sleepSeconds)
    {
        var database = await CreateAsync(db, pastBrokenScript: true);
        await SetAsync(db, database, "samples.sleep", sleepSeconds);
        var runner = Cli.Start(Cli.EnvironmentFor(database), "up", "--to", "2005", "--assembly", Cli.SamplesAssembly);
        var sleeping = await Poll.UntilAsync(
            async () => runner.HasExited || await RunnerSessions.SleepingPidAsync(database) is not null,
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(50));
        Assert.True(
            sleeping is not null && !runner.HasExited,
            "the runner's session never showed up sleeping in 2001:\n"
            + (runner.HasExited ? (await runner.Completion).ToString() : "(still running)"));
        return (database, runner);
    }

    public static async Task SetAsync(DatabaseFixture db, string database, string setting, string? value)
    {
        ArgumentNullException.ThrowIfNull(db);
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await db.ExecuteOnServerAsync(value is null
            ? $"ALTER DATABASE \"{name}\" RESET {setting}"
            : $"ALTER DATABASE \"{name}\" SET {setting} = '{value}'");
        Db.ClearPool(database);
    }

    /// <summary>
    /// The schema a clean <c>up --to <paramref name="target"/></c> of the samples leaves (0: an empty database),
    /// computed once per test run.
    /// </summary>
    public static Task<SchemaSnapshot> ReferenceAsync(DatabaseFixture db, long target) =>
        References.GetOrAdd(target, t => new Lazy<Task<SchemaSnapshot>>(async () =>
        {
            var database = await CreateAsync(db, pastBrokenScript: t >= 1100);
            if (t > 0)
            {
                var to = t.ToString(CultureInfo.InvariantCulture);
                var run = await Cli.RunAsync(database, "up", "--to", to, "--assembly", Cli.SamplesAssembly);
                if (run.ExitCode != ExitCodes.Success)
                {
                    throw new InvalidOperationException("the clean reference run failed:\n" + run);
                }
            }

            return await Db.SnapshotAsync(database);
        })).Value;

    /// <summary>
    /// Fails with the differences when the database's schema is not what a clean run to <paramref name="target"/>
    /// leaves.
    /// </summary>
    public static async Task AssertSchemaEqualsCleanRunAsync(DatabaseFixture db, string database, long target)
    {
        var differences = SchemaComparer.Compare(await ReferenceAsync(db, target), await Db.SnapshotAsync(database));
        Assert.True(differences.Count == 0, $"schema differs from a clean run to {target}:\n{Db.Describe(differences)}");
    }

    /// <summary>Sample versions applied in order up to and including <paramref name="last"/>.</summary>
    public static List<long> Through(long last) => [.. ThroughSlowSet.Concat([2100L, 2101, 2200]).Where(v => v <= last)];
}
