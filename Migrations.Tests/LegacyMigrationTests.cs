using Migrations.Runner.Schema;
using Migrations.Runner.Catalog;
using Migrations.Runner.History;
using Migrations.Runner.Services;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests;

/// <summary>The consolidated migrations on real PostgreSQL: what they build, that they are idempotent, what VersionInfo records.</summary>
public class LegacyMigrationTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Migrating_a_fresh_database_produces_exactly_the_production_schema()
    {
        // Arrange
        var production = await db.CreateDatabaseAsync();
        await Db.ExecuteAsync(production, await File.ReadAllTextAsync(Path.Combine(Repository.LegacySql, "production", "schema.sql")));
        var migrated = await db.CreateDatabaseAsync();

        // Act
        await Db.Service(migrated).UpAsync(null);

        // Assert
        var differences = SchemaComparer.Compare(await Db.SnapshotAsync(production), await Db.SnapshotAsync(migrated));
        Assert.True(differences.Count == 0, "migrations differ from legacy-sql/production/schema.sql:\n" + Db.Describe(differences));
        Assert.NotEmpty((await Db.SnapshotAsync(migrated)).ToJson());
    }

    [Fact]
    public async Task Each_migration_runs_exactly_its_legacy_file_up_and_its_rollback_down()
    {
        var database = await db.CreateDatabaseAsync();
        var preview = new PreviewService(MigrationSet.Default, database);
        var upFiles = LegacyScript.All().Where(f => !f.StartsWith("rollback/", StringComparison.Ordinal)).ToList();
        bool IsLegacy(PreviewStep step) => upFiles.Any(f => f.StartsWith($"{step.Migration.Version:000}_", StringComparison.Ordinal));

        var up = (await preview.UpAsync(null)).Where(IsLegacy).ToList();
        await Db.Service(database).UpAsync(null);
        var down = (await preview.DownAsync(0)).Where(IsLegacy).ToList();

        Assert.Equal(upFiles.Count, up.Count);
        foreach (var step in up)
        {
            AssertRuns(step, $"{step.Migration.Version:000}_");
        }

        Assert.Equal(up.Select(s => s.Migration.Version).Reverse(), down.Select(s => s.Migration.Version));
        foreach (var step in down)
        {
            AssertRuns(step, $"rollback/{step.Migration.Version:000}_rollback.sql");
        }

        static void AssertRuns(PreviewStep step, string filePrefix)
        {
            var file = Assert.Single(LegacyScript.All(), f => f.StartsWith(filePrefix, StringComparison.Ordinal));
            var sent = string.Join("\n", step.Sql);
            foreach (var statement in LegacyScript.SplitStatements(LegacyScript.Read(file)))
            {
                Assert.True(sent.Contains(statement, StringComparison.Ordinal), $"{step.Migration.Name} does not run this part of legacy-sql/{file}:\n{statement}");
            }
        }
    }

    [Fact]
    public async Task Up_twice_is_a_no_op_the_second_time()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var before = await Db.SnapshotAsync(database);
        var versionsBefore = await Db.AppliedVersionsAsync(database);

        var second = await Db.Service(database).UpAsync(null);

        Assert.Empty(second.Steps);
        Assert.Equal(versionsBefore, await Db.AppliedVersionsAsync(database));
        Assert.Empty(SchemaComparer.Compare(before, await Db.SnapshotAsync(database)));
    }

    [Fact]
    public async Task Running_every_up_script_again_by_hand_changes_nothing()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, "INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme')");
        var before = await Db.SnapshotAsync(database);

        foreach (var file in LegacyScript.All().Where(f => !f.StartsWith("rollback/", StringComparison.Ordinal)))
        {
            // One statement per command: CREATE INDEX CONCURRENTLY refuses a multi-statement command.
            foreach (var statement in file.Contains("concurrent", StringComparison.Ordinal) ? LegacyScript.SplitStatements(LegacyScript.Read(file)) : [LegacyScript.Read(file)])
            {
                await Db.ExecuteAsync(database, statement);
            }
        }

        var differences = SchemaComparer.Compare(before, await Db.SnapshotAsync(database));
        Assert.True(differences.Count == 0, "a second run changed the schema:\n" + Db.Describe(differences));
        Assert.Equal(1L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM organizations"));
    }

    [Fact]
    public async Task VersionInfo_holds_every_applied_version_with_its_description_and_none_after_a_full_down()
    {
        var database = await db.CreateDatabaseAsync();
        var service = Db.Service(database);
        var catalog = service.Catalog();

        await service.UpAsync(null);
        var rows = await ReadVersionInfoAsync(database);
        Assert.Equal(catalog.Select(m => (m.Version, m.Description)), rows);

        await service.DownToAsync(0);
        Assert.Empty(await ReadVersionInfoAsync(database));
        Assert.Equal(0L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
            + "AND tablename NOT IN ('VersionInfo', 'VersionInfoChecksums', 'VersionInfoChecksumHistory')"));
    }

    private static async Task<List<(long, string)>> ReadVersionInfoAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return [.. (await VersionHistory.ReadAsync(connection)).Select(a => (a.Version, a.Description ?? ""))];
    }
}
