using System.Diagnostics;
using System.Globalization;
using Migrations.Runner.Catalog;
using Migrations.Runner.Cli;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Runner;

/// <summary>
/// What <c>preview</c> and <c>down --preview</c> print is a script: psql runs it (<c>-v ON_ERROR_STOP=1</c>) to exactly
/// the schema, <c>VersionInfo</c> and checksums that the verb itself leaves on a twin database.
/// </summary>
public sealed class PreviewTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Preview_on_a_fresh_database_is_a_script_psql_runs_to_what_up_gives()
    {
        var byScript = await db.CreateDatabaseAsync();
        var byRunner = await db.CreateDatabaseAsync();

        var preview = await Cli.RunAsync(byScript, "preview");
        var psql = await PsqlAsync(byScript, preview.Out);
        var up = await Cli.RunAsync(byRunner, "up");

        Assert.True(preview.ExitCode == ExitCodes.Success, preview.ToString());
        Assert.True(psql.ExitCode == 0, psql + "\n--- script\n" + preview.Out);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        await AssertSameAsync(byRunner, byScript);
        Assert.Equal(MigrationSet.Default.Entries.Select(e => e.Version), await Db.AppliedVersionsAsync(byScript));
    }

    [Fact]
    public async Task Preview_of_a_partly_migrated_database_runs_the_rest_with_the_non_transactional_migration_outside_a_transaction()
    {
        var target = BeforeFirstNonTransactional(MigrationSet.Default.Entries);
        var byScript = await db.CreateDatabaseAsync();
        var byRunner = await db.CreateDatabaseAsync();
        Assert.Equal(ExitCodes.Success, (await Cli.RunAsync(byScript, "up", "--to", target)).ExitCode);
        Assert.Equal(ExitCodes.Success, (await Cli.RunAsync(byRunner, "up", "--to", target)).ExitCode);

        var preview = await Cli.RunAsync(byScript, "preview");
        var psql = await PsqlAsync(byScript, preview.Out);
        var up = await Cli.RunAsync(byRunner, "up");

        Assert.True(psql.ExitCode == 0, psql + "\n--- script\n" + preview.Out);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.DoesNotContain($"-- up {target} ", preview.Out, StringComparison.Ordinal);
        Assert.Contains("(no transaction)", preview.Out, StringComparison.Ordinal);
        await AssertSameAsync(byRunner, byScript);
    }

    [Fact]
    public async Task Down_preview_is_a_script_psql_runs_to_what_down_gives()
    {
        var target = BeforeFirstNonTransactional(MigrationSet.Default.Entries);
        var byScript = await db.CreateMigratedDatabaseAsync();
        var byRunner = await db.CreateMigratedDatabaseAsync();

        var preview = await Cli.RunAsync(byScript, "down", "--to", target, "--preview");
        var psql = await PsqlAsync(byScript, preview.Out);
        var down = await Cli.RunAsync(byRunner, "down", "--to", target);

        Assert.True(preview.ExitCode == ExitCodes.Success, preview.ToString());
        Assert.True(psql.ExitCode == 0, psql + "\n--- script\n" + preview.Out);
        Assert.True(down.ExitCode == ExitCodes.Success, down.ToString());
        await AssertSameAsync(byRunner, byScript);
        Assert.Equal(
            MigrationSet.Default.Entries.Select(e => e.Version).Where(v => v <= long.Parse(target, CultureInfo.InvariantCulture)),
            await Db.AppliedVersionsAsync(byScript));
    }

    [Fact]
    public async Task A_preview_script_runs_maintenance_migrations_where_up_runs_them()
    {
        var byScript = await db.CreateDatabaseAsync();
        var byRunner = await db.CreateDatabaseAsync();
        await SampleDatabases.SetAsync(db, byScript, "samples.maintenance", "on");
        await SampleDatabases.SetAsync(db, byRunner, "samples.maintenance", "on");

        var preview = await Cli.RunAsync(byScript, "preview", "--to", "1005", "--assembly", Cli.SamplesAssembly);
        var psql = await PsqlAsync(byScript, preview.Out);
        var up = await Cli.RunAsync(byRunner, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);

        Assert.True(psql.ExitCode == 0, psql + "\n--- script\n" + preview.Out);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.Contains("-- maintenance BeforeAll RecordRuns", preview.Out, StringComparison.Ordinal);
        await AssertSameAsync(byRunner, byScript);
        Assert.Equal(1L, await Db.ScalarAsync<long>(byScript, "SELECT count(*) FROM maintenance_runs"));
    }

    [Fact]
    public async Task A_preview_script_resets_the_session_after_each_migration_as_up_does()
    {
        var assembly = IsolationSamples.Compile("PreviewIsolation");
        var byScript = await db.CreateDatabaseAsync();
        var byRunner = await db.CreateDatabaseAsync();

        var preview = await Cli.RunAsync(byScript, "preview", "--assembly", assembly);
        var psql = await PsqlAsync(byScript, preview.Out);
        var up = await Cli.RunAsync(byRunner, "up", "--assembly", assembly);

        Assert.True(psql.ExitCode == 0, psql + "\n--- script\n" + preview.Out);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        const string Seen = "SELECT string_agg(concat_ws(' | ', version, settings, who), E'\\n' ORDER BY version) FROM seen";
        Assert.Equal(await Db.ScalarAsync<string>(byRunner, Seen), await Db.ScalarAsync<string>(byScript, Seen));
        Assert.Equal(3L, await Db.ScalarAsync<long>(byScript, "SELECT count(DISTINCT version) FROM seen"));
    }

    [Fact]
    public async Task A_preview_script_stops_before_a_migration_that_runs_csharp_leaving_it_unapplied()
    {
        var assembly = Compile("PreviewCSharp", """
            using FluentMigrator;

            namespace PreviewCSharp;

            [Migration(1)]
            public sealed class M0001_Plain : Migration
            {
                public override void Up() => Execute.Sql("CREATE TABLE one (id int)");

                public override void Down() => Execute.Sql("DROP TABLE one");
            }

            [Migration(2)]
            public sealed class M0002_WithConnection : Migration
            {
                public override void Up() => Execute.WithConnection((connection, transaction) =>
                {
                    using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = "CREATE TABLE two (id int)";
                    command.ExecuteNonQuery();
                });

                public override void Down() => Execute.Sql("DROP TABLE two");
            }

            [Migration(3)]
            public sealed class M0003_After : Migration
            {
                public override void Up() => Execute.Sql("CREATE TABLE three (id int)");

                public override void Down() => Execute.Sql("DROP TABLE three");
            }
            """);
        var database = await db.CreateDatabaseAsync();

        var preview = await Cli.RunAsync(database, "preview", "--assembly", assembly);
        var psql = await PsqlAsync(database, preview.Out);

        Assert.Equal(ExitCodes.Success, preview.ExitCode);
        Assert.NotEqual(0, psql.ExitCode);
        Assert.Contains("M0002_WithConnection runs C# against the connection", psql.Error, StringComparison.Ordinal);
        Assert.Equal([1L], await Db.AppliedVersionsAsync(database));
        Assert.Equal(
            "one",
            await Db.ScalarAsync<string>(
                database, "SELECT string_agg(tablename, ',') FROM pg_tables WHERE tablename IN ('one', 'two', 'three')"));
    }

    [Fact]
    public async Task A_preview_marks_a_migration_that_asks_the_database_about_its_schema()
    {
        var assembly = Compile("PreviewAsks", """
            using FluentMigrator;

            namespace PreviewAsks;

            [Migration(1)]
            public sealed class M0001_Asks : Migration
            {
                public override void Up()
                {
                    if (!Schema.Table("one").Exists())
                    {
                        Execute.Sql("CREATE TABLE one (id int)");
                    }
                }

                public override void Down() => Execute.Sql("DROP TABLE IF EXISTS one");
            }

            [Migration(2)]
            public sealed class M0002_DoesNotAsk : Migration
            {
                public override void Up() => Execute.Sql("CREATE TABLE two (id int)");

                public override void Down() => Execute.Sql("DROP TABLE two");
            }
            """);
        var database = await db.CreateDatabaseAsync();

        var preview = await Cli.RunAsync(database, "preview", "--assembly", assembly);

        Assert.Equal(ExitCodes.Success, preview.ExitCode);
        var marked = preview.Out.Split('\n').Where(l => l.StartsWith("-- asks the database about its schema", StringComparison.Ordinal));
        Assert.Single(marked);
        var asks = preview.Out.IndexOf("-- up 1 M0001_Asks", StringComparison.Ordinal);
        var mark = preview.Out.IndexOf("-- asks the database", StringComparison.Ordinal);
        Assert.InRange(mark, asks, preview.Out.IndexOf("-- up 2 M0002_DoesNotAsk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preview_refuses_an_out_of_order_migration_as_up_does_and_previews_it_with_out_of_order()
    {
        var byScript = await db.CreateDatabaseAsync();
        var byRunner = await db.CreateDatabaseAsync();
        foreach (var database in new[] { byScript, byRunner })
        {
            var setup = await Cli.RunAsync(database, "up", "--to", "1002", "--assembly", Cli.SamplesAssembly);
            Assert.True(setup.ExitCode == ExitCodes.Success, setup.ToString());
            // 1001 as if it came from a branch merged after 1002 ran.
            await Db.ExecuteAsync(database, """
                DELETE FROM "VersionInfo" WHERE "Version" = 1001;
                DELETE FROM "VersionInfoChecksums" WHERE "Version" = 1001;
                DROP TABLE sample_1001;
                """);
        }

        var refused = await Cli.RunAsync(byScript, "preview", "--to", "1002", "--assembly", Cli.SamplesAssembly);
        var preview = await Cli.RunAsync(byScript, "preview", "--to", "1002", "--out-of-order", "--assembly", Cli.SamplesAssembly);
        var psql = await PsqlAsync(byScript, preview.Out);
        var up = await Cli.RunAsync(byRunner, "up", "--to", "1002", "--out-of-order", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("older than the newest applied version 1002", refused.Error, StringComparison.Ordinal);
        Assert.True(psql.ExitCode == 0, psql + "\n--- script\n" + preview.Out);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        await AssertSameAsync(byRunner, byScript);
        Assert.Equal([1001L, 1002], await Db.AppliedVersionsAsync(byScript));
    }

    [Fact]
    public async Task Preview_with_drop_invalid_indexes_drops_them_first_as_up_does()
    {
        var byScript = await db.CreateDatabaseAsync();
        var byRunner = await db.CreateDatabaseAsync();
        foreach (var database in new[] { byScript, byRunner })
        {
            var setup = await Cli.RunAsync(database, "up", "--to", "1001", "--assembly", Cli.SamplesAssembly);
            Assert.True(setup.ExitCode == ExitCodes.Success, setup.ToString());
            await Db.ExecuteAsync(database, "CREATE TABLE twice (x int); INSERT INTO twice VALUES (1), (1);");
            // What an interrupted CREATE INDEX CONCURRENTLY leaves: an INVALID index.
            await Assert.ThrowsAsync<PostgresException>(
                () => Db.ExecuteAsync(database, "CREATE UNIQUE INDEX CONCURRENTLY twice_x ON twice (x)"));
        }

        var refused = await Cli.RunAsync(byScript, "preview", "--to", "1002", "--assembly", Cli.SamplesAssembly);
        var preview = await Cli.RunAsync(byScript, "preview", "--to", "1002", "--drop-invalid-indexes", "--assembly", Cli.SamplesAssembly);
        var psql = await PsqlAsync(byScript, preview.Out);
        var up = await Cli.RunAsync(byRunner, "up", "--to", "1002", "--drop-invalid-indexes", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("twice_x", refused.Error, StringComparison.Ordinal);
        Assert.True(psql.ExitCode == 0, psql + "\n--- script\n" + preview.Out);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        await AssertSameAsync(byRunner, byScript);
        Assert.Null(await Db.ScalarAsync<string>(byScript, "SELECT to_regclass('public.twice_x')::text"));
    }

    // The version just before the first migration without a transaction: a run from there on includes one.
    private static string BeforeFirstNonTransactional(IReadOnlyList<MigrationEntry> entries)
    {
        var first = entries.ToList().FindIndex(e => !e.Transactional);
        Assert.True(first > 0, "the catalog needs a non-transactional migration after the first");
        return entries[first - 1].Version.ToString(CultureInfo.InvariantCulture);
    }

    private static async Task AssertSameAsync(string expected, string actual)
    {
        // Bookkeeping tables included: the script must create them as the runner does.
        var everything = new SnapshotOptions { ExcludedTables = [] };
        var differences = SchemaComparer.Compare(await Db.SnapshotAsync(expected, everything), await Db.SnapshotAsync(actual, everything));
        Assert.True(differences.Count == 0, Db.Describe(differences));
        const string VersionInfo = """
            SELECT string_agg(concat_ws(' | ', "Version", "Description"), E'\n' ORDER BY "Version") FROM "VersionInfo"
            """;
        const string Checksums = """
            SELECT string_agg(concat_ws(' | ', "Version", "Checksum", "RecordedBy", coalesce("PreviousChecksum", '-')), E'\n'
                ORDER BY "Version")
            FROM "VersionInfoChecksums"
            """;
        Assert.Equal(await Db.ScalarAsync<string>(expected, VersionInfo), await Db.ScalarAsync<string>(actual, VersionInfo));
        Assert.Equal(await Db.ScalarAsync<string>(expected, Checksums), await Db.ScalarAsync<string>(actual, Checksums));
    }

    private static string Compile(string name, string source) => Compiler.CompileSource(name, source);

    /// <summary>Runs <paramref name="script"/> as a DBA would: psql, stopping at the first error, without any psqlrc.</summary>
    private static async Task<CliResult> PsqlAsync(string connectionString, string script)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("preview-").FullName, "preview.sql");
        await File.WriteAllTextAsync(file, script);
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        const string Installed = "/usr/lib/postgresql/15/bin/psql";
        var start = new ProcessStartInfo(File.Exists(Installed) ? Installed : "psql")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-v", "ON_ERROR_STOP=1", "-X", "-q", "-f", file,
            "-h", target.Host!, "-p", target.Port.ToString(CultureInfo.InvariantCulture), "-U", target.Username!, "-d", target.Database!,
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = target.Password ?? "";
        start.Environment.Remove("PGOPTIONS");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start psql");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
