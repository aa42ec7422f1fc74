using System.Text.RegularExpressions;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Reliability;

/// <summary>
/// A migration that cannot run in a transaction (CREATE UNIQUE INDEX CONCURRENTLY) and fails leaves an INVALID index;
/// the runner refuses to go on past it and says how to recover, by hand or with --drop-invalid-indexes.
/// </summary>
[Trait("Category", ReliabilityRun.Category)]
public partial class NonTransactionalMigrationTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string Index = "public.rel_accounts_email_key";

    [Theory]
    [InlineData("the printed DROP INDEX CONCURRENTLY")]
    [InlineData("up --drop-invalid-indexes")]
    public async Task A_failed_concurrent_index_is_left_INVALID_the_rerun_is_refused_with_the_drop_to_run_and_recovery_ends_as_a_clean_run(
        string recovery)
    {
        var database = await SampleDatabases.CreateAsync(db, pastBrokenScript: true);
        await SampleDatabases.SetAsync(db, database, "samples.duplicates", "on");

        var failed = await Up(database);

        Assert.Equal(ExitCodes.Failure, failed.ExitCode);
        CliOutput.AssertOneLineError(failed);
        Assert.StartsWith("error: migration 2101 S2101_UniqueAccountEmails failed: 23505", failed.Error, StringComparison.Ordinal);
        Assert.Contains("it ran without a transaction", failed.Error, StringComparison.Ordinal);
        Assert.Equal(SampleDatabases.Through(2100), await Db.AppliedVersionsAsync(database));
        Assert.False(await IndexIsValidAsync(database));

        var refused = await Up(database);

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        CliOutput.AssertOneLineError(refused);
        Assert.Contains($"DROP INDEX CONCURRENTLY {Index};", refused.Error, StringComparison.Ordinal);
        Assert.Contains("INVALID", CliOutput.FirstLine(refused.Error), StringComparison.Ordinal);
        Assert.Empty(refused.Out);
        Assert.Equal(SampleDatabases.Through(2100), await Db.AppliedVersionsAsync(database));

        // Dropping the index is not enough while the data still breaks it: the same failure, the same INVALID index.
        var dataNotFixed = await Up(database, "--drop-invalid-indexes");

        Assert.Equal(ExitCodes.Failure, dataNotFixed.ExitCode);
        Assert.Contains($"note: dropped INVALID index {Index}", dataNotFixed.Error, StringComparison.Ordinal);
        Assert.Contains("failed: 23505", dataNotFixed.Error, StringComparison.Ordinal);
        Assert.False(await IndexIsValidAsync(database));

        await Db.ExecuteAsync(database, "DELETE FROM rel_accounts WHERE id = 2");
        CliResult recovered;
        if (recovery == "up --drop-invalid-indexes")
        {
            recovered = await Up(database, "--drop-invalid-indexes");
            Assert.Contains($"note: dropped INVALID index {Index}", recovered.Error, StringComparison.Ordinal);
        }
        else
        {
            await Db.ExecuteAsync(database, DropStatement().Match(refused.Error).Value);
            recovered = await Up(database);
        }

        Assert.True(recovered.ExitCode == ExitCodes.Success, recovered.ToString());
        Assert.Equal([2101L], CliOutput.ReportedVersions(recovered.Out));
        Assert.True(await IndexIsValidAsync(database));
        Assert.Equal(SampleDatabases.Through(2101), await Db.AppliedVersionsAsync(database));
        await SampleDatabases.AssertSchemaEqualsCleanRunAsync(db, database, 2101);
        ReliabilityRun.Record("invalid-index", new Dictionary<string, object?>
        {
            ["recovery"] = recovery,
            ["failure"] = CliOutput.ErrorLine(failed.Error),
            ["refusal"] = CliOutput.ErrorLine(refused.Error),
            ["refusalNext"] = refused.Error.Split('\n').FirstOrDefault(l => l.StartsWith("next: ", StringComparison.Ordinal)),
        });
    }

    private static Task<CliResult> Up(string database, params string[] more) =>
        Cli.RunAsync(database, ["up", "--to", "2101", "--assembly", Cli.SamplesAssembly, .. more]);

    private static async Task<bool?> IndexIsValidAsync(string database) =>
        await Db.ScalarAsync<bool?>(
            database, $"SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('{Index}')");

    [GeneratedRegex("DROP INDEX CONCURRENTLY [^;]+;")]
    private static partial Regex DropStatement();
}
