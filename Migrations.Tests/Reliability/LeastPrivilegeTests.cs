using Migrations.Runner.Cli;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Reliability;

/// <summary>The runner needs no superuser: the role that owns the application database is enough for every migrating verb.</summary>
[Trait("Category", ReliabilityRun.Category)]
public class LeastPrivilegeTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_owner_of_the_database_without_superuser_or_CREATEDB_can_up_status_rollback_and_drift_with_a_shadow_server()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var role = "rel_owner_" + suffix;
        var name = "rel_owned_" + suffix;
        await db.ExecuteOnServerAsync($"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'Rel-Owner-5b7c'");
        await db.ExecuteOnServerAsync($"CREATE DATABASE {name} OWNER {role}");
        var owner = new NpgsqlConnectionStringBuilder(db.ConnectionStringFor(name)) { Username = role, Password = "Rel-Owner-5b7c" }
            .ConnectionString;
        try
        {
            var up = await Cli.RunAsync(owner, "up");
            var status = await Cli.RunAsync(owner, "status", "--check");
            var rollback = await Cli.RunAsync(owner, "rollback", "--steps", "3");
            var upAgain = await Cli.RunAsync(owner, "up");
            var drift = await Cli.RunAsync(owner, "drift");
            var driftWithShadow = await Cli.RunAsync(owner, "drift", "--shadow-connection", db.ServerConnectionString);

            Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
            Assert.True(status.ExitCode == ExitCodes.Success, status.ToString());
            Assert.Contains("UP TO DATE", status.Out, StringComparison.Ordinal);
            Assert.True(rollback.ExitCode == ExitCodes.Success, rollback.ToString());
            Assert.Contains("Reverted 3 migrations", rollback.Out, StringComparison.Ordinal);
            Assert.True(upAgain.ExitCode == ExitCodes.Success, upAgain.ToString());
            Assert.Contains("Applied 3 migrations", upAgain.Out, StringComparison.Ordinal);
            Assert.False(await Db.ScalarAsync<bool>(owner, "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"));
            Assert.Equal(
                role,
                await Db.ScalarAsync<string>(owner, """SELECT tableowner::text FROM pg_tables WHERE tablename = 'VersionInfo'"""));
            var differences = SchemaComparer.Compare(
                await Db.SnapshotAsync(await db.CreateMigratedDatabaseAsync()),
                await Db.SnapshotAsync(owner));
            Assert.True(differences.Count == 0, Db.Describe(differences));

            // drift (and baseline) replay migrations on a scratch database, which this role may not create.
            Assert.Equal(ExitCodes.Failure, drift.ExitCode);
            CliOutput.AssertOneLineError(drift);
            Assert.Contains("cannot create a scratch database", drift.Error, StringComparison.Ordinal);
            Assert.Contains("42501", drift.Error, StringComparison.Ordinal);
            Assert.Contains("--shadow-connection", drift.Error, StringComparison.Ordinal);
            Assert.True(driftWithShadow.ExitCode == ExitCodes.Success, driftWithShadow.ToString());
            Assert.Contains("No drift", driftWithShadow.Out, StringComparison.Ordinal);
            ReliabilityRun.Record("least-privilege", new Dictionary<string, object?>
            {
                ["serverVersion"] = await Db.ScalarAsync<string>(owner, "SHOW server_version"),
                ["role"] = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE, owner of the database",
                ["up"] = up.ExitCode,
                ["status"] = status.ExitCode,
                ["rollback"] = rollback.ExitCode,
                ["upAgain"] = upAgain.ExitCode,
                ["drift"] = drift.ExitCode,
                ["driftError"] = CliOutput.ErrorLine(drift.Error),
                ["driftWithShadow"] = driftWithShadow.ExitCode,
            });
        }
        finally
        {
            Db.ClearAllPools();
            await db.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await db.ExecuteOnServerAsync($"DROP ROLE IF EXISTS {role}");
        }
    }
}
