using Migrations.Runner.Catalog;
using Migrations.Runner.Verification;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests;

/// <summary>
/// Every version's Down undoes its Up exactly, and its Up run again after it gives the same schema: the verify verb's
/// service over the whole set, on scratch databases of the test server. <c>ROUNDTRIP_ASSEMBLY</c> points it at another
/// migrations assembly.
/// </summary>
public class RollbackRoundTripTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Down_then_up_restores_schema_at_every_version()
    {
        var other = Environment.GetEnvironmentVariable("ROUNDTRIP_ASSEMBLY");
        var set = other is { Length: > 0 } ? MigrationSet.Load([other]) : MigrationSet.Default;

        var report = await new RoundTripService(set, db.ServerConnectionString).VerifyAsync();

        Assert.True(report.Passed, Db.Describe(report.Failures));
        Assert.Equal(set.Entries.Select(m => m.Version), report.Checked.Select(m => m.Version));
    }
}
