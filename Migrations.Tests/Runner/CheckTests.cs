using System.Text.Json;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>
/// Checks that check: <c>status --check</c> fails on anything that makes the database differ from what the build's
/// migrations say (pending, CHANGED, UNKNOWN), and <c>up</c> refuses while an applied version is unknown to the build.
/// </summary>
public sealed class CheckTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string InsertUnknown =
        """INSERT INTO "VersionInfo" ("Version", "AppliedOn", "Description") VALUES (9999, now(), 'From a newer build')""";

    // What a migration whose SQL was edited since it ran looks like: the recorded checksum no longer matches.
    private const string ChangeMigration2 =
        """UPDATE "VersionInfoChecksums" SET "Checksum" = repeat('0', 64) WHERE "Version" = 2""";

    [Fact]
    public async Task Status_check_exits_3_on_an_applied_version_unknown_to_the_assembly_and_says_so()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, InsertUnknown);

        var result = await Cli.RunAsync(database, "status", "--check");

        Assert.True(result.ExitCode == ExitCodes.CheckFailed, result.ToString());
        Assert.Contains("Status:   UNKNOWN", result.Out, StringComparison.Ordinal);
        Assert.Contains("Unknown: 1", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_check_exits_3_on_an_applied_migration_whose_sql_changed_and_says_so()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, ChangeMigration2);

        var check = await Cli.RunAsync(database, "status", "--check");
        var plain = await Cli.RunAsync(database, "status");

        Assert.True(check.ExitCode == ExitCodes.CheckFailed, check.ToString());
        Assert.Contains("Status:   CHANGED", check.Out, StringComparison.Ordinal);
        Assert.Contains("Changed: 1", check.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, plain.ExitCode);
    }

    [Fact]
    public async Task Status_json_counts_pending_changed_and_unknown_under_check()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, ChangeMigration2 + ";" + InsertUnknown + """; DELETE FROM "VersionInfo" WHERE "Version" = 13""");
        var clean = await db.CreateMigratedDatabaseAsync();

        var result = await Cli.RunAsync(database, "status", "--json", "--check");
        var cleanResult = await Cli.RunAsync(clean, "status", "--json", "--check");

        Assert.True(result.ExitCode == ExitCodes.CheckFailed, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var check = json.RootElement.GetProperty("check");
        Assert.Equal(1, check.GetProperty("pending").GetInt32());
        Assert.Equal(1, check.GetProperty("changed").GetInt32());
        Assert.Equal(1, check.GetProperty("unknown").GetInt32());
        Assert.False(check.GetProperty("passed").GetBoolean());
        Assert.True(cleanResult.ExitCode == ExitCodes.Success, cleanResult.ToString());
        using var cleanJson = JsonDocument.Parse(cleanResult.Out);
        Assert.True(cleanJson.RootElement.GetProperty("check").GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Up_with_nothing_pending_refuses_while_an_applied_version_is_unknown_to_the_assembly()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, InsertUnknown);

        var result = await Cli.RunAsync(database, "up");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.StartsWith(
            "error: refusing to migrate: applied version 9999 (From a newer build) is not in the migrations assembly",
            result.Error,
            StringComparison.Ordinal);
        Assert.Contains("--ignore-unknown", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_refuses_pending_migrations_while_an_applied_version_is_unknown_unless_told_to_ignore_it()
    {
        var database = await db.CreateDatabaseAsync();
        await Cli.RunAsync(database, "up", "--to", "2");
        await Db.ExecuteAsync(database, InsertUnknown);
        var before = await Db.SnapshotAsync(database);

        // --out-of-order: the pending migrations are older than 9999, which is not what this refusal is about.
        var refused = await Cli.RunAsync(database, "up", "--out-of-order");
        var afterRefusal = await Db.SnapshotAsync(database);
        var applied = await Db.AppliedVersionsAsync(database);
        var ignored = await Cli.RunAsync(database, "up", "--out-of-order", "--ignore-unknown");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("is not in the migrations assembly", refused.Error, StringComparison.Ordinal);
        Assert.Equal([1L, 2, 9999], applied);
        Assert.Empty(Migrations.Runner.Schema.SchemaComparer.Compare(before, afterRefusal));
        Assert.True(ignored.ExitCode == ExitCodes.Success, ignored.ToString());
        Assert.Contains(13L, await Db.AppliedVersionsAsync(database));
    }
}
