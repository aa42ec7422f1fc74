using Migrations.Runner.Cli;
using Migrations.Runner.Session;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Runner;

/// <summary>Failures leave nothing half-applied, runners serialise on the lock, secrets stay secret.</summary>
public class SafetyTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_failing_migration_leaves_schema_and_VersionInfo_as_before_it_and_a_rerun_continues_from_it()
    {
        // Arrange
        var database = await db.CreateDatabaseAsync();
        await FailAtAsync(database, 1003);

        // Act
        var failed = await Cli.RunAsync(database, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);

        // Assert
        Assert.Equal(ExitCodes.Failure, failed.ExitCode);
        Assert.Contains("migration 1003 S1003_SampleThree failed: P0001 sample migration 1003 fails on purpose", failed.Error, StringComparison.Ordinal);
        Assert.Contains("hint: ALTER DATABASE", failed.Error, StringComparison.Ordinal);
        Assert.Contains("its transaction was rolled back", failed.Error, StringComparison.Ordinal);
        Assert.Contains("next:", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", failed.All, StringComparison.Ordinal);
        Assert.Equal([1001L, 1002], await Db.AppliedVersionsAsync(database));
        Assert.False(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('sample_1003') IS NOT NULL"));
        Assert.True(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('sample_1002') IS NOT NULL"));

        await FailAtAsync(database, null);
        var rerun = await Cli.RunAsync(database, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);
        Assert.True(rerun.ExitCode == ExitCodes.Success, rerun.ToString());
        Assert.Contains("Applied 3 migrations", rerun.Out, StringComparison.Ordinal);
        Assert.Equal([1001L, 1002, 1003, 1004, 1005], await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Maintenance_migrations_run_before_every_up_as_FluentMigrator_runs_them()
    {
        var database = await db.CreateDatabaseAsync();
        await db.ExecuteOnServerAsync($"ALTER DATABASE \"{new NpgsqlConnectionStringBuilder(database).Database}\" SET samples.maintenance = 'on'");
        NpgsqlConnection.ClearAllPools();

        var first = await Cli.RunAsync(database, "up", "--to", "1001", "--assembly", Cli.SamplesAssembly);
        var second = await Cli.RunAsync(database, "up", "--to", "1002", "--assembly", Cli.SamplesAssembly);
        var nothingPending = await Cli.RunAsync(database, "up", "--to", "1002", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.Equal(ExitCodes.Success, nothingPending.ExitCode);
        Assert.Equal(3L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM maintenance_runs WHERE stage = 'before all'"));
        Assert.Equal([1001L, 1002], await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task A_sql_error_names_the_sqlstate_and_the_line_in_the_file()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "up", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("migration 1100 S1100_BrokenScript (Samples.S1100_BrokenScript.sql) failed: 42P01 relation \"no_such_table\" does not exist", result.Error, StringComparison.Ordinal);
        Assert.Contains("at Samples.S1100_BrokenScript.sql line 4, column 47", result.Error, StringComparison.Ordinal);
        Assert.False(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('sample_broken') IS NOT NULL"));
        Assert.DoesNotContain(1100L, await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "up", "--assembly", Cli.SamplesAssembly, "--verbose");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_refuses_a_pending_migration_older_than_the_newest_applied_unless_out_of_order_is_given()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Cli.RunAsync(database, "rollback", "--steps", "3");
        await Cli.RunAsync(database, "up");
        await Db.ExecuteAsync(database, "DELETE FROM \"VersionInfo\" WHERE \"Version\" = 12");
        await Db.ExecuteAsync(database, await File.ReadAllTextAsync(Path.Combine(Repository.LegacySql, "rollback", "012_rollback.sql")));

        var refused = await Cli.RunAsync(database, "up");
        var allowed = await Cli.RunAsync(database, "up", "--out-of-order");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("migration 12 M0012_UserMfa is older than the newest applied version 13", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, allowed.ExitCode);
        Assert.Contains(12L, await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task A_waiting_runner_names_the_lock_holder_and_gives_up_after_the_lock_timeout()
    {
        var database = await db.CreateDatabaseAsync();
        await using var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { ApplicationName = "lock-holder-test", Pooling = false }.ConnectionString);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLock.Key})", holder))
        {
            await take.ExecuteScalarAsync();
        }

        var result = await Cli.RunAsync(database, "up", "--lock-timeout", "1");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("waiting for the migration lock held by pid", result.Error, StringComparison.Ordinal);
        Assert.Contains("lock-holder-test", result.Error, StringComparison.Ordinal);
        Assert.Contains("timed out after 1 s", result.Error, StringComparison.Ordinal);
        Assert.Empty(await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task A_migration_waiting_on_a_table_lock_fails_by_lock_timeout_and_leaves_nothing_applied()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Cli.RunAsync(database, "rollback");
        var before = await Db.SnapshotAsync(database);
        await using var blocker = new NpgsqlConnection(database);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockUsers = new NpgsqlCommand("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockUsers.ExecuteNonQueryAsync();
        }

        var result = await Cli.RunAsync(database, "up", "--db-lock-timeout", "1");
        await transaction.RollbackAsync();

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("55P03", result.Error, StringComparison.Ordinal);
        Assert.Contains("lock timeout", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(13L, await Db.AppliedVersionsAsync(database));
        Assert.Empty(Migrations.Runner.Schema.SchemaComparer.Compare(before, await Db.SnapshotAsync(database)));
    }

    [Fact]
    public async Task Up_refuses_while_an_INVALID_index_exists_and_drops_it_when_asked()
    {
        var database = await db.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, "CREATE TABLE dup (id int); INSERT INTO dup VALUES (1), (1);");
        Assert.NotNull(await Record.ExceptionAsync(() => Db.ExecuteAsync(database, "CREATE UNIQUE INDEX CONCURRENTLY dup_id_idx ON dup (id)")));

        var refused = await Cli.RunAsync(database, "up", "--to", "1");
        var dropped = await Cli.RunAsync(database, "up", "--to", "1", "--drop-invalid-indexes");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("DROP INDEX CONCURRENTLY public.dup_id_idx;", refused.Error, StringComparison.Ordinal);
        Assert.Empty(refused.Out);
        Assert.True(dropped.ExitCode == ExitCodes.Success, dropped.ToString());
        Assert.Contains("dropped INVALID index public.dup_id_idx", dropped.Error, StringComparison.Ordinal);
        Assert.False(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('public.dup_id_idx') IS NOT NULL"));
        Assert.Equal([1L], await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Two_runners_started_together_both_succeed_and_apply_each_migration_once()
    {
        var database = await db.CreateDatabaseAsync();
        // A second apply of a sample migration would fail on its CREATE TABLE, so exit codes and reported lines tell double applies.
        var environment = new Dictionary<string, string> { ["DATABASE_CONNECTION_STRING"] = database };

        using var first = Cli.Start(environment, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);
        using var second = Cli.Start(environment, "up", "--to", "1005", "--assembly", Cli.SamplesAssembly);
        var outputs = await Task.WhenAll(Collect(first), Collect(second));

        Assert.All(outputs, o => Assert.True(o.ExitCode == 0, o.ToString()));
        Assert.Equal([1001L, 1002, 1003, 1004, 1005], await Db.AppliedVersionsAsync(database));
        Assert.Equal(5, outputs.Sum(o => o.Out.Split('\n').Count(l => l.Contains("S100", StringComparison.Ordinal))));
        Assert.Equal(5L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'sample\\_%'"));

        static async Task<CliResult> Collect(System.Diagnostics.Process process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return new CliResult(process.ExitCode, await stdout, await stderr);
        }
    }

    [Fact]
    public async Task The_password_never_appears_in_any_output()
    {
        const string password = "Sup3rSecretPassw0rd";
        var database = await db.CreateDatabaseAsync();
        var missingDatabase = new NpgsqlConnectionStringBuilder(database) { Database = "no_such_db_here", Password = password }.ConnectionString;
        var badPort = new NpgsqlConnectionStringBuilder(database) { Port = 1, Password = password, Timeout = 2 }.ConnectionString;
        var withPassword = new NpgsqlConnectionStringBuilder(database) { Password = password }.ConnectionString;

        var results = new[]
        {
            await Cli.RunAsync(missingDatabase, "up", "--verbose"),
            await Cli.RunAsync(badPort, "status", "--verbose"),
            await Cli.RunWithAsync(null, null, "status", "--connection", $"Host=localhost;Password={password};Bogus=1"),
            await Cli.RunAsync(withPassword, "up", "--assembly", Cli.SamplesAssembly, "--verbose"),
        };

        Assert.All(results, r => Assert.NotEqual(ExitCodes.Success, r.ExitCode));
        Assert.All(results, r => Assert.DoesNotContain(password, r.All, StringComparison.Ordinal));
        Assert.Contains("no_such_db_here", results[0].Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, results[2].ExitCode);
    }

    private async Task FailAtAsync(string database, long? version)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await db.ExecuteOnServerAsync(version is null
            ? $"ALTER DATABASE \"{name}\" RESET samples.fail_at"
            : $"ALTER DATABASE \"{name}\" SET samples.fail_at = '{version}'");
        NpgsqlConnection.ClearAllPools();
    }
}
