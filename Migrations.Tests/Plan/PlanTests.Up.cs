using Migrations.Runner.Cli;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using Npgsql;
using static Migrations.Tests.Plan.PlanSamples;

namespace Migrations.Tests.Plan;

/// <summary>up's check outside Development, and its retries on lock_timeout, on copies of the plan tests' target.</summary>
public sealed partial class PlanTests
{
    // From the holder's transaction, where pg_stat_activity would stay as it first read it: pg_locks alone, this database's.
    private const string WaitingOnHolder = """
        SELECT max(waitstart) FROM pg_locks
        WHERE NOT granted AND pid <> pg_backend_pid() AND relation = 'accounts'::regclass
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """;

    [Fact]
    public async Task Up_in_Production_refuses_an_unreviewed_rewrite_of_a_table_with_rows_and_applies_reviewed_or_allowed_ones()
    {
        var copy = await target.CopyAsync();
        var snapshot = await Db.SnapshotAsync(copy);
        string[] production = ["-e", "Production", "--assembly", target.Assembly];

        var refused = await Cli.RunAsync(copy, ["up", "--to", $"{Rewrite}", .. production]);
        var appliedAfterRefusal = await Db.AppliedVersionsAsync(copy);
        var differences = SchemaComparer.Compare(snapshot, await Db.SnapshotAsync(copy));
        var reviewed = await Cli.RunAsync(copy, ["up", "--to", $"{Reviewed}", .. production]);
        var belowThreshold = await Cli.RunAsync(copy, ["up", "--to", $"{Rewrite}", "--fail-on", "rewrite:1M", .. production]);
        var stillRefused = await Cli.RunAsync(copy, ["up", "--to", $"{TypeChangeRewrite}", .. production]);
        var allowed = await Cli.RunAsync(copy, ["up", "--to", $"{TypeChangeRewrite}", "--allow-risky", .. production]);

        Assert.True(refused.ExitCode == ExitCodes.Failure, refused.ToString());
        Assert.Contains("refusing to migrate in the Production environment", refused.Error, StringComparison.Ordinal);
        Assert.Contains(
            $"3 M03_Rewrite: rewrite of public.orders ({PlanThresholds.Rows(LargeRows)} rows", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("M02_ReviewedRewrite", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-risky", refused.Error, StringComparison.Ordinal);
        Assert.Equal([1L], appliedAfterRefusal);
        Assert.True(differences.Count == 0, Db.Describe(differences));
        Assert.True(reviewed.ExitCode == ExitCodes.Success, reviewed.ToString());
        Assert.True(belowThreshold.ExitCode == ExitCodes.Success, belowThreshold.ToString());
        Assert.True(stillRefused.ExitCode == ExitCodes.Failure, stillRefused.ToString());
        Assert.Contains("4 M04_TypeChangeRewrite: rewrite of public.accounts", stillRefused.Error, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == ExitCodes.Success, allowed.ToString());
        Assert.Equal([1L, Reviewed, Rewrite, TypeChangeRewrite], await Db.AppliedVersionsAsync(copy));
    }

    [Fact]
    public async Task Up_outside_Development_says_so_and_applies_nothing_when_its_check_cannot_create_a_scratch_database()
    {
        var role = "plan_owner_" + Guid.NewGuid().ToString("N")[..8];
        var name = "plan_" + Guid.NewGuid().ToString("N")[..12];
        await target.Db.ExecuteOnServerAsync($"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'Plan-Owner-7d1e'");
        await target.Db.ExecuteOnServerAsync($"CREATE DATABASE {name} OWNER {role}");
        var database = new NpgsqlConnectionStringBuilder(target.Db.ConnectionStringFor(name))
        {
            Username = role,
            Password = "Plan-Owner-7d1e",
        }.ConnectionString;
        try
        {
            var result = await Cli.RunAsync(database, "up", "--to", "1001", "-e", "Staging", "--assembly", Cli.SamplesAssembly);

            Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
            Assert.Contains(
                "cannot check the pending migrations before migrating in the Staging environment", result.Error, StringComparison.Ordinal);
            Assert.Contains("42501", result.Error, StringComparison.Ordinal);
            Assert.Contains("grant CREATEDB", result.Error, StringComparison.Ordinal);
            Assert.Equal(0L, await Db.ScalarAsync<long>(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        }
        finally
        {
            Db.ClearAllPools();
            await target.Db.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    [Fact]
    public async Task A_migration_that_times_out_on_a_lock_is_retried_in_a_clean_transaction_until_the_lock_is_released()
    {
        var copy = await target.CopyAsync();
        await using var holder = new NpgsqlConnection(copy);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE accounts IN ACCESS SHARE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        // Development: up runs no check, and the reviewed rewrite of accounts needs ACCESS EXCLUSIVE.
        var up = Task.Run(() => Cli.RunAsync(
            copy, "up", "--to", $"{Reviewed}", "--db-lock-timeout", "1", "--lock-retries", "3", "--assembly", target.Assembly));
        // Watched from the holder's own connection, inside its transaction: no connection to open between a wait
        // showing and the lock's release, which has to come within that attempt's one second.
        // The rows are counted at each new wait, the last time after two attempts timed out and were rolled back.
        var waits = new HashSet<DateTime>();
        long? rowsWhileHeld = null;
        var third = await Poll.UntilAsync(async () =>
        {
            await using (var wait = new NpgsqlCommand(WaitingOnHolder, holder, transaction))
            {
                if (await wait.ExecuteScalarAsync() is DateTime started && waits.Add(started))
                {
                    await using var rows = new NpgsqlCommand("""SELECT count(*) FROM "VersionInfo" """, holder, transaction);
                    rowsWhileHeld = (long)(await rows.ExecuteScalarAsync())!;
                }
            }

            return waits.Count >= 3 || up.IsCompleted;
        }, TimeSpan.FromSeconds(30));
        await transaction.RollbackAsync();
        var result = await up;

        Assert.True(third is not null && waits.Count >= 3, $"saw {waits.Count} waits\n{result}");
        Assert.Equal(1, rowsWhileHeld);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var retries = result.Error.Split('\n')
            .Where(l => l.StartsWith("lock timeout: 2 M02_ReviewedRewrite", StringComparison.Ordinal))
            .ToList();
        // Two retries, the third attempt getting the lock once it is released; a machine that stalls for a second
        // between the third wait showing and the release costs the third retry, the last one allowed.
        Assert.InRange(retries.Count, 2, 3);
        string[] delays = ["0.25", "0.5", "1"];
        for (var i = 0; i < retries.Count; i++)
        {
            Assert.Contains($"retry {i + 1} of 3 in {delays[i]} s", retries[i], StringComparison.Ordinal);
        }

        Assert.Equal([1L, Reviewed], await Db.AppliedVersionsAsync(copy));
    }
}
