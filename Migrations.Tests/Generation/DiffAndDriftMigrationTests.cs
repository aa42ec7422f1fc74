using System.Diagnostics;
using System.Text.Json;
using Migrations.Runner.Catalog;
using Migrations.Runner.Schema;
using Migrations.Runner.Services;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Generation;

/// <summary>
/// diff and drift --write-migration end to end: the printed SQL run by psql makes a migrated copy equal the drifted
/// database, and the written migration, compiled as a developer's build compiles it, passes the rollback round trip.
/// </summary>
public sealed class DiffAndDriftMigrationTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    // Hand-made changes of several kinds, one of them (a new enum label used at once) needing autocommit.
    private const string HandMadeChanges =
        """
        ALTER TYPE public.membership_role ADD VALUE 'guest';
        CREATE TABLE public.feature_flags (name text PRIMARY KEY, enabled boolean NOT NULL DEFAULT false, note text);
        COMMENT ON TABLE public.feature_flags IS 'toggled by hand in production';
        ALTER TABLE public.users ADD COLUMN phone text;
        CREATE INDEX users_phone_idx ON public.users (phone);
        ALTER TABLE public.users ALTER display_name TYPE varchar(200);
        """;

    private const string GuestDefault = "ALTER TABLE public.memberships ALTER role SET DEFAULT 'guest'";

    [Fact]
    public async Task Diff_prints_sql_that_psql_runs_to_make_a_migrated_copy_equal_the_drifted_database()
    {
        var drifted = await DriftedAsync();
        var copy = await db.CreateMigratedDatabaseAsync();

        var diff = await Cli.RunAsync(copy, "diff", "--from", "live", "--to", drifted);

        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Contains("warning: column public.users.display_name changes type", diff.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", diff.Out, StringComparison.OrdinalIgnoreCase);
        await RunScriptAsync(copy, diff.Out);
        var left = SchemaComparer.Compare(await Db.SnapshotAsync(drifted), await Db.SnapshotAsync(copy));
        Assert.True(left.Count == 0, Db.Describe(left) + "\n" + diff.Out);
    }

    [Fact]
    public async Task Diff_from_migrations_to_a_snapshot_file_says_so_in_json()
    {
        var drifted = await DriftedAsync();
        var file = Path.Combine(Directory.CreateTempSubdirectory("diff-").FullName, "live.json");
        await File.WriteAllTextAsync(file, (await Db.SnapshotAsync(drifted)).ToJson());

        var diff = await Cli.RunAsync(drifted, "diff", "--from", "migrations", "--to", file, "--json");

        Assert.True(diff.ExitCode == 0, diff.ToString());
        using var json = JsonDocument.Parse(diff.Out);
        Assert.True(json.RootElement.GetProperty("requiresNoTransaction").GetBoolean());
        Assert.True(json.RootElement.GetProperty("destructive").GetBoolean());
        Assert.Contains("CREATE TABLE public.feature_flags", json.RootElement.GetProperty("sql").GetString(), StringComparison.Ordinal);
        Assert.Equal("all migrations", json.RootElement.GetProperty("from").GetString());
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("migrations:99999")]
    public async Task Diff_refuses_a_source_it_cannot_read_with_a_usage_error_on_one_line(string source)
    {
        var database = await db.CreateDatabaseAsync();

        var diff = await Cli.RunAsync(database, "diff", "--from", source, "--to", "live");

        Assert.Equal(2, diff.ExitCode);
        Assert.StartsWith("error: --from", diff.Error, StringComparison.Ordinal);
        Assert.Contains(source, diff.Error.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("next: ", diff.Error, StringComparison.Ordinal);
        Assert.Empty(diff.Out);
    }

    [Fact]
    public async Task Diff_of_a_file_that_is_no_snapshot_is_a_usage_error_naming_the_file()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("diff-").FullName, "broken.json");
        await File.WriteAllTextAsync(file, "{ not json");

        var diff = await Cli.RunWithAsync(null, null, "diff", "--from", file, "--to", file);

        Assert.Equal(2, diff.ExitCode);
        Assert.StartsWith($"error: {file}: not a schema snapshot", diff.Error, StringComparison.Ordinal);
        Assert.Empty(diff.Out);
    }

    [Fact]
    public async Task Drift_writes_a_migration_that_rebuilds_the_drifted_schema_and_whose_down_undoes_it()
    {
        var drifted = await DriftedAsync();
        var folder = Directory.CreateTempSubdirectory("drift-migration-").FullName;
        foreach (var source in Directory.GetFiles(Path.Combine(Repository.Root, "Migrations"), "M*.cs"))
        {
            File.Copy(source, Path.Combine(folder, Path.GetFileName(source)));
        }

        var written = await Cli.RunAsync(drifted, "drift", "--write-migration", "Capture hand made changes", "--directory", folder);

        Assert.True(written.ExitCode == 0, written.ToString());
        var next = MigrationSet.Default.Entries.Max(m => m.Version) + 1;
        var className = $"M{next:0000}_CaptureHandMadeChanges";
        Assert.Contains($"wrote {Path.GetRelativePath(Path.GetTempPath(), Path.Combine(folder, className + ".cs"))}", written.Out,
            StringComparison.Ordinal);
        var classFile = Path.Combine(folder, className + ".cs");
        Assert.Contains("TransactionBehavior.None", await File.ReadAllTextAsync(classFile), StringComparison.Ordinal);
        var scripts = Directory.GetFiles(Path.Combine(folder, "Scripts")).Select(f => (f, "Scripts." + Path.GetFileName(f)));
        var compiled = Compiler.Compile("DriftCapture", [classFile], scripts);
        Assert.True(compiled.AssemblyPath is not null, string.Join("\n", compiled.Diagnostics));

        var rebuilt = await db.CreateDatabaseAsync();
        var service = Db.Service(rebuilt, MigrationSet.Load([typeof(Migrations.LegacyScript).Assembly.Location, compiled.AssemblyPath!]));
        await service.UpAsync(next - 1);
        var before = await Db.SnapshotAsync(rebuilt);
        await service.UpAsync(null);
        var afterUp = SchemaComparer.Compare(await Db.SnapshotAsync(drifted), await Db.SnapshotAsync(rebuilt));
        Assert.True(afterUp.Count == 0, "after up: " + Db.Describe(afterUp));
        var after = await Db.SnapshotAsync(rebuilt);

        await service.RollbackAsync(1);
        var afterDown = SchemaComparer.Compare(before, await Db.SnapshotAsync(rebuilt));
        Assert.True(afterDown.Count == 0, "after down: " + Db.Describe(afterDown));
        await service.UpAsync(null);
        var again = SchemaComparer.Compare(after, await Db.SnapshotAsync(rebuilt));
        Assert.True(again.Count == 0, "up after down: " + Db.Describe(again));
    }

    [Fact]
    public async Task A_generated_rollback_of_a_migration_takes_the_schema_back_to_before_its_up()
    {
        var server = await db.CreateDatabaseAsync();
        var version = MigrationSet.Default.Entries.Max(m => m.Version);
        var down = await new SchemaDiffService(MigrationSet.Default, server).GenerateRollbackAsync(version);
        var database = await db.CreateMigratedDatabaseAsync();
        var previous = await db.CreateDatabaseAsync();
        await Db.Service(previous).UpAsync(version - 1);
        var expected = await Db.SnapshotAsync(previous);

        await GenerationFixture.ApplyAsync(database, down);

        var left = SchemaComparer.Compare(expected, await Db.SnapshotAsync(database));
        Assert.True(left.Count == 0, Db.Describe(left) + "\n" + down.Sql);
    }

    private async Task<string> DriftedAsync()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, HandMadeChanges);
        await Db.ExecuteAsync(database, GuestDefault);
        return database;
    }

    // As an operator runs it: psql, stopping at the first error; Npgsql statement by statement where psql is not installed.
    private static async Task RunScriptAsync(string database, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        var psql = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(p => Path.Combine(p, "psql")).FirstOrDefault(File.Exists);
        if (psql is null)
        {
            await Db.ExecuteAsync(database, sql);
            return;
        }

        var start = new ProcessStartInfo(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-",
            "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", builder.Username!, "-d", builder.Database!])
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        start.Environment["PGPASSWORD"] = builder.Password ?? "";
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(sql);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"psql exit {process.ExitCode}: {await error}\n{sql}");
    }
}
