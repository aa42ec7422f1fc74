using Migrations.Runner.Catalog;
using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>
/// <c>repair --accept</c> keeps every checksum it replaces, with who accepted which, when; it accepts nothing for a
/// migration whose SQL is what ran.
/// </summary>
public sealed class RepairTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string History = """
        SELECT string_agg(concat_ws(' | ', "Version", coalesce("ReplacedChecksum", '-'), "AcceptedChecksum"), E'\n' ORDER BY "Id")
        FROM "VersionInfoChecksumHistory"
        """;

    [Fact]
    public async Task Accepting_twice_keeps_both_replaced_checksums_in_the_history_with_who_and_when()
    {
        var database = await db.CreateDatabaseAsync();
        await Cli.RunAsync(database, "up", "--to", "1002", "--assembly", Cli.SamplesAssembly);
        var original = await ChecksumAsync(database, 1001);

        var first = await Cli.RunEditedAsync(
            database, "1001", "first edit", "repair", "--accept", "1001", "--assembly", Cli.SamplesAssembly);
        var afterFirst = await ChecksumAsync(database, 1001);
        var second = await Cli.RunEditedAsync(
            database, "1001", "second edit", "repair", "--accept", "1001", "--accept", "1002", "--assembly", Cli.SamplesAssembly);
        var afterSecond = await ChecksumAsync(database, 1001);
        var status = await Cli.RunEditedAsync(database, "1001", "second edit", "status", "--assembly", Cli.SamplesAssembly);

        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        Assert.True(second.ExitCode == ExitCodes.Success, second.ToString());
        Assert.Contains(
            $"accepted 1001 S1001_SampleOne: checksum {original[..12]} -> {afterFirst[..12]}", first.Out, StringComparison.Ordinal);
        Assert.Contains(
            $"accepted 1001 S1001_SampleOne: checksum {afterFirst[..12]} -> {afterSecond[..12]}", second.Out, StringComparison.Ordinal);
        Assert.Contains("nothing to accept for 1002 S1002_SampleTwo", second.Out, StringComparison.Ordinal);
        Assert.Equal(
            $"1001 | {original} | {afterFirst}\n1001 | {afterFirst} | {afterSecond}", await Db.ScalarAsync<string>(database, History));
        var currentUser = await Db.ScalarAsync<string>(database, "SELECT current_user::text");
        Assert.Equal(
            $"{currentUser} {Environment.UserName} 2",
            await Db.ScalarAsync<string>(database, """
                SELECT concat_ws(' ', min("AcceptedBy"), min("ClientUser"), count(DISTINCT "AcceptedOn")) FROM "VersionInfoChecksumHistory"
                """));
        Assert.DoesNotContain("CHANGED", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepting_an_unchanged_migration_says_there_is_nothing_to_accept_and_writes_nothing()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var migration = MigrationSet.Default.Entries[^1];
        const string Row = """
            SELECT concat_ws(' | ', "Checksum", "RecordedOn", "RecordedBy", coalesce("PreviousChecksum", '-')) FROM "VersionInfoChecksums"
            """;
        var before = await Db.ScalarAsync<string>(database, Row + $""" WHERE "Version" = {migration.Version}""");

        var repair = await Cli.RunAsync(database, "repair", "--accept", $"{migration.Version}");

        Assert.True(repair.ExitCode == ExitCodes.Success, repair.ToString());
        Assert.Contains(
            $"nothing to accept for {migration.Version} {migration.Name}: its SQL is what ran", repair.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("accepted", repair.Out, StringComparison.Ordinal);
        Assert.Equal(before, await Db.ScalarAsync<string>(database, Row + $""" WHERE "Version" = {migration.Version}"""));
        Assert.Null(await Db.ScalarAsync<string>(database, History));
    }

    [Fact]
    public async Task A_database_migrated_before_the_history_existed_gets_it_on_the_next_up_and_status_leaves_it_alone()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, """DROP TABLE "VersionInfoChecksumHistory" """);
        const string Exists = """SELECT to_regclass('public."VersionInfoChecksumHistory"') IS NOT NULL""";

        var status = await Cli.RunAsync(database, "status");
        var existsAfterStatus = await Db.ScalarAsync<bool>(database, Exists);
        var up = await Cli.RunAsync(database, "up");

        Assert.Equal(ExitCodes.Success, status.ExitCode);
        Assert.False(existsAfterStatus);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.Contains("Nothing to apply", up.Out, StringComparison.Ordinal);
        Assert.True(await Db.ScalarAsync<bool>(database, Exists));
    }

    private static async Task<string> ChecksumAsync(string database, long version) =>
        (await Db.ScalarAsync<string>(database, $"""SELECT "Checksum" FROM "VersionInfoChecksums" WHERE "Version" = {version}"""))!;
}
