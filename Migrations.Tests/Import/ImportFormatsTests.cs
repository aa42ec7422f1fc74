using System.Security.Cryptography;
using Migrations.Runner.Import;
using Migrations.Runner.Services;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Import;

/// <summary>
/// Each format's fixture, with its quirks, imported through the command line, compiled, migrated up, round-tripped down
/// to the newest migration without a rollback (or to empty), and checked for drift.
/// </summary>
public sealed class ImportFormatsTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("golang-migrate", "golang-migrate")]
    [InlineData("goose", "goose")]
    [InlineData("sql-migrate", "sql-migrate")]
    [InlineData("dbmate", "dbmate")]
    [InlineData("flyway", "flyway")]
    [InlineData("diesel", "diesel")]
    [InlineData("plain", "plain")]
    public async Task A_fixture_imports_builds_migrates_round_trips_and_shows_no_drift(string fixture, string format)
    {
        var (result, output, set, _) = await ImportHarness.ImportedAsync(fixture);
        Assert.StartsWith($"Read {format} from ", result.Out, StringComparison.Ordinal);
        Assert.Contains("(detected: ", result.Out, StringComparison.Ordinal);
        AssertChecksumsHold(output);

        var database = await db.CreateDatabaseAsync();
        var service = Db.Service(database, set);
        var missing = ImportManifestFor(output).Migrations.Select(m => m.Version)
            .Where(v => !File.Exists(Path.Combine(output, "legacy-sql", "rollback", $"{v:000}_rollback.sql")))
            .DefaultIfEmpty(0).Max();

        var failures = await ImportHarness.RoundTripAsync(database, set, missing);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(service.Catalog().Select(m => m.Version), await Db.AppliedVersionsAsync(database));
        var drift = await new SchemaTruthService(set, database).DriftAsync(null);
        Assert.False(drift.HasDrift, Db.Describe(drift.Differences));
    }

    [Fact]
    public async Task Generated_rollbacks_replace_the_missing_ones_are_marked_in_the_audit_and_round_trip_to_empty()
    {
        var (result, output) = await ImportHarness.ImportAsync(
            "plain", "--generate-missing-downs", "--connection", db.ServerConnectionString);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("generated rollback: 3 (002_hotfix.sql)", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("no rollback:", result.Out, StringComparison.Ordinal);
        var rollback = File.ReadAllText(Path.Combine(output, "legacy-sql", "rollback", "003_rollback.sql"));
        Assert.Contains("DROP CONSTRAINT orders_total_check", rollback, StringComparison.Ordinal);
        Assert.Contains("| **generated**", File.ReadAllText(Path.Combine(output, "legacy-sql", "README.md")), StringComparison.Ordinal);
        var set = ImportHarness.Compile(output);
        var database = await db.CreateDatabaseAsync();

        var failures = await ImportHarness.RoundTripAsync(database, set, 0);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    internal static ManifestImport ImportManifestFor(string output) =>
        Assert.Single(ImportManifest.FromJson(File.ReadAllText(Path.Combine(output, "legacy-sql", ImportManifest.FileName))).Imports);

    private static void AssertChecksumsHold(string output)
    {
        var legacy = Path.Combine(output, "legacy-sql");
        var lines = File.ReadAllLines(Path.Combine(legacy, "SHA256SUMS"));
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var (sum, file) = (line[..64], line[66..]);
            Assert.Equal(sum, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(legacy, file)))));
        }
    }
}
