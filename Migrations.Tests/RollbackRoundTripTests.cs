using Migrations.Runner.Schema;
using Migrations.Runner.Catalog;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests;

/// <summary>
/// Every version's Down undoes its Up exactly. Steps down and up one version at a time over one database, so the cost
/// grows linearly with the number of migrations. <c>ROUNDTRIP_ASSEMBLY</c> points it at another migrations assembly
/// (the benchmark times it on generated ones).
/// </summary>
public class RollbackRoundTripTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Down_then_up_restores_schema_at_every_version()
    {
        var database = await db.CreateDatabaseAsync();
        var other = Environment.GetEnvironmentVariable("ROUNDTRIP_ASSEMBLY");
        var service = Db.Service(database, other is { Length: > 0 } ? MigrationSet.Load([other]) : null);
        var versions = service.Catalog().Select(m => m.Version).ToList();
        var failures = new List<string>();
        var before = await Db.SnapshotAsync(database);

        foreach (var version in versions)
        {
            await service.UpAsync(version);
            var after = await Db.SnapshotAsync(database);

            await service.RollbackAsync(1);
            var reverted = SchemaComparer.Compare(before, await Db.SnapshotAsync(database));
            if (reverted.Count > 0)
            {
                failures.Add($"down of {version} left the schema different from {version - 1}:\n  " + Indented(reverted));
            }

            await service.UpAsync(version);
            var reapplied = SchemaComparer.Compare(after, await Db.SnapshotAsync(database));
            if (reapplied.Count > 0)
            {
                failures.Add($"up of {version} after its down differs from the first up:\n  " + Indented(reapplied));
            }

            before = after;
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(versions, await Db.AppliedVersionsAsync(database));
    }

    private static string Indented(IReadOnlyList<SchemaDifference> differences) =>
        Db.Describe(differences).Replace("\n", "\n  ", StringComparison.Ordinal);
}
