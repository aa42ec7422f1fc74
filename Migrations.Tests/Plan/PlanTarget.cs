using System.Text.Json;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Plan;

/// <summary>
/// One target database for the plan tests, built once per class: the samples' version 1 applied and its tables filled
/// (<see cref="PlanSamples.LargeRows"/> rows in the two large ones), then one <c>plan --json</c> of versions 2 to 27,
/// with what the target and the server looked like before and after it.
/// </summary>
public sealed class PlanTarget : IAsyncLifetime
{
    public DatabaseFixture Db { get; } = new();

    public string Assembly { get; private set; } = "";

    public string Database { get; private set; } = "";

    public CliResult Plan { get; private set; } = new(0, "", "");

    public JsonElement Report { get; private set; }

    public SchemaSnapshot SnapshotBefore { get; private set; } = null!;

    public SchemaSnapshot SnapshotAfter { get; private set; } = null!;

    public (string? Rows, long Scratch) Before { get; private set; }

    public (string? Rows, long Scratch) After { get; private set; }

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Assembly = Compiler.CompileSource("PlanSamples" + Guid.NewGuid().ToString("N")[..8], PlanSamples.Source);
        Database = await Db.CreateDatabaseAsync();
        var up = await Cli.RunAsync(Database, "up", "--to", "1", "--assembly", Assembly);
        Assert.True(up.ExitCode == 0, up.ToString());
        await Infrastructure.Db.ExecuteAsync(Database, PlanSamples.Fill);

        SnapshotBefore = await Infrastructure.Db.SnapshotAsync(Database);
        Before = await StateAsync(Database);
        Plan = await Cli.RunAsync(Database, "plan", "--to", $"{PlanSamples.LastPlanned}", "--json", "--assembly", Assembly);
        SnapshotAfter = await Infrastructure.Db.SnapshotAsync(Database);
        After = await StateAsync(Database);
        Report = Plan.Out.Length > 0 && Plan.Out.TrimStart().StartsWith('{') ? JsonDocument.Parse(Plan.Out).RootElement.Clone() : default;
    }

    public Task DisposeAsync() => Db.DisposeAsync();

    /// <summary>The report of one migration of the shared plan.</summary>
    public JsonElement Migration(long version)
    {
        Assert.True(Plan.ExitCode == 0 && Report.ValueKind == JsonValueKind.Object, Plan.ToString());
        return Report.GetProperty("migrations").EnumerateArray().Single(m => m.GetProperty("version").GetInt64() == version);
    }

    /// <summary>The findings of one migration of the shared plan.</summary>
    public List<JsonElement> Findings(long version) => [.. Migration(version).GetProperty("findings").EnumerateArray()];

    /// <summary>The one finding of <paramref name="kind"/> that <paramref name="version"/> has.</summary>
    public JsonElement Finding(long version, string kind)
    {
        var found = Findings(version).Where(f => f.GetProperty("kind").GetString() == kind).ToList();
        Assert.True(found.Count == 1, $"{version}: expected one {kind}, found:\n{string.Join("\n", Findings(version))}");
        return found[0];
    }

    /// <summary>A copy of the target as it was before any plan, for a test that migrates it.</summary>
    public async Task<string> CopyAsync()
    {
        Infrastructure.Db.ClearPool(Database);
        return await Db.CreateDatabaseAsync(new NpgsqlConnectionStringBuilder(Database).Database);
    }

    public static async Task<long> ScratchCountAsync(string database) =>
        await Infrastructure.Db.ScalarAsync<long>(database, $"""
            SELECT count(*) FROM pg_database WHERE starts_with(datname, '{new NpgsqlConnectionStringBuilder(database).Database}_scratch_')
            """);

    private static async Task<(string? Rows, long Scratch)> StateAsync(string database) =>
        (await Infrastructure.Db.ScalarAsync<string>(database, PlanSamples.RowCounts), await ScratchCountAsync(database));
}
