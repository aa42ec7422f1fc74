using Migrations.Runner.Services;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Import;

/// <summary>The import verb's refusals and the Down of a migration the source folder had no rollback for.</summary>
public sealed class ImportCommandTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_down_of_a_migration_without_a_rollback_fails_naming_it_and_reverts_nothing_past_it()
    {
        var (_, _, set, assembly) = await ImportHarness.ImportedAsync("plain");
        var database = await db.CreateDatabaseAsync();
        await Db.Service(database, set).UpAsync(null);
        var applied = await Db.AppliedVersionsAsync(database);

        var down = await Cli.RunAsync(database, "down", "--to", "1", "--assembly", assembly);

        Assert.True(down.ExitCode == 1, down.ToString());
        Assert.Contains(
            "M0003_Hotfix has no rollback: the imported folder had none for 002_hotfix.sql", down.Error, StringComparison.Ordinal);
        // What stays reverted is what the output lists, and nothing at or below the migration without a rollback.
        var after = await Db.AppliedVersionsAsync(database);
        var reverted = applied.Except(after).ToList();
        Assert.Equal(reverted.Count, down.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(reverted, v => Assert.True(v > 3));
        Assert.Contains(3L, after);
    }

    [Fact]
    public async Task A_prelude_becomes_migration_1_so_the_scratch_replay_of_drift_has_the_extension_too()
    {
        var folder = Directory.CreateTempSubdirectory("import-prelude-").FullName;
        var source = Directory.CreateDirectory(Path.Combine(folder, "migrations")).FullName;
        File.WriteAllText(Path.Combine(source, "1_names.up.sql"),
            "CREATE TABLE names (name text);\nCREATE INDEX names_trgm ON names USING gin (name gin_trgm_ops);\n");
        File.WriteAllText(Path.Combine(source, "1_names.down.sql"), "DROP TABLE names;\n");
        File.WriteAllText(Path.Combine(folder, "prelude.sql"), "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n");
        var output = Path.Combine(folder, "out");

        var result = await Cli.RunWithAsync(
            null, folder, "import", "--from", "migrations", "--output", "out", "--prelude", "prelude.sql");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("uses `pg_trgm`", File.ReadAllText(Path.Combine(output, "legacy-sql", "README.md")), StringComparison.Ordinal);
        var set = ImportHarness.Compile(output);
        var database = await db.CreateDatabaseAsync();
        await Db.Service(database, set).UpAsync(null);
        var drift = await new SchemaTruthService(set, database).DriftAsync(null);
        Assert.False(drift.HasDrift, Db.Describe(drift.Differences));
        Assert.Equal([1L, 2L], drift.Replayed);
    }

    [Fact]
    public async Task A_folder_that_does_not_exist_is_a_usage_error_that_writes_nothing()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("import-").FullName, "out");

        var result = await Cli.RunWithAsync(null, null, "import", "--from", "/nonexistent/migrations", "--output", output);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --from /nonexistent/migrations: no such folder\nnext: ", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task An_output_folder_holding_other_files_is_refused()
    {
        var output = Directory.CreateTempSubdirectory("import-").FullName;
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");

        var result = await Cli.RunWithAsync(null, null, "import", "--from", ImportHarness.Fixture("goose"), "--output", output);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not empty and holds no legacy-sql/ and Migrations/", result.Error, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_goose_file_without_its_up_directive_is_named()
    {
        var folder = Directory.CreateTempSubdirectory("import-goose-").FullName;
        File.WriteAllText(Path.Combine(folder, "00001_ok.sql"), "-- +goose Up\nSELECT 1;\n");
        File.WriteAllText(Path.Combine(folder, "00002_broken.sql"), "CREATE TABLE t (id int);\n");
        var output = Path.Combine(folder, "out");

        var result = await Cli.RunWithAsync(null, null, "import", "--from", folder, "--format", "goose", "--output", output);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: 00002_broken.sql: no '--+goose Up' section", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task A_golang_migrate_folder_where_two_ups_share_a_version_is_refused_as_golang_migrate_refuses_it()
    {
        var folder = Directory.CreateTempSubdirectory("import-golang-").FullName;
        File.WriteAllText(Path.Combine(folder, "1_create_users.up.sql"), "CREATE TABLE users (id int);\n");
        File.WriteAllText(Path.Combine(folder, "1_create_users.down.sql"), "DROP TABLE users;\n");
        File.WriteAllText(Path.Combine(folder, "01_other.up.sql"), "CREATE TABLE other (id int);\n");
        var output = Path.Combine(folder, "out");

        var result = await Cli.RunWithAsync(null, null, "import", "--from", folder, "--output", output);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(
            "error: refusing to import: 01_other.up.sql and 1_create_users.up.sql share version 1", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Baseline_needs_exactly_one_of_version_and_from_history()
    {
        var neither = await Cli.RunAsync("Host=localhost", "baseline");
        var both = await Cli.RunAsync("Host=localhost", "baseline", "--version", "1", "--from-history");

        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("'--version' is required (or --from-history", neither.Error, StringComparison.Ordinal);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("exclude each other", both.Error, StringComparison.Ordinal);
    }
}
