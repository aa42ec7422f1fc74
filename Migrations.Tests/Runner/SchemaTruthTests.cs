using Migrations.Runner.Catalog;
using Migrations.Runner.Cli;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using Npgsql;
using Cli = Migrations.Tests.Infrastructure.Cli;

namespace Migrations.Tests.Runner;

/// <summary>drift, schema, baseline and checksums: what the database really is, against what the migrations say.</summary>
public class SchemaTruthTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static string MigrationsAssembly => typeof(LegacyScript).Assembly.Location;

    [Fact]
    public async Task Drift_reports_nothing_and_exits_0_on_a_cleanly_migrated_database_and_changes_nothing()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var before = await Db.SnapshotAsync(database);
        var scratchBefore = await ScratchDatabaseCountAsync(database);

        var result = await Cli.RunAsync(database, "drift");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("No drift", result.Out, StringComparison.Ordinal);
        Assert.Empty(SchemaComparer.Compare(before, await Db.SnapshotAsync(database)));
        Assert.Equal(scratchBefore, await ScratchDatabaseCountAsync(database));
    }

    // Each change paired with the object drift must name for it. One drift covers them all: a drift replays every
    // migration on a scratch database, and the test still fails for each change whose object goes unnamed.
    private static readonly (string Change, string ExpectedName)[] HandMadeChanges =
    [
        ("CREATE INDEX hand_made_idx ON users (display_name)", "index public.hand_made_idx"),
        ("ALTER TABLE users ALTER COLUMN display_name SET DEFAULT 'anonymous'", "column public.users.display_name"),
        ("ALTER TABLE organizations ALTER COLUMN name DROP NOT NULL", "column public.organizations.name"),
        ("ALTER TABLE audit_log ALTER COLUMN action TYPE varchar(200)", "column public.audit_log.action"),
        ("ALTER TABLE organizations ADD CONSTRAINT name_not_blank CHECK (name <> '')", "public.organizations.name_not_blank"),
        (
            "CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ "
            + "BEGIN NEW.updated_at := now(); RETURN NEW; END $$",
            "function public.set_updated_at()"),
        (
            "DROP VIEW active_api_keys; CREATE VIEW active_api_keys AS SELECT id, organization_id FROM api_keys",
            "view public.active_api_keys"),
        ("ALTER TABLE users DISABLE TRIGGER ALL", "trigger public.users."),
        ("ALTER TYPE membership_role ADD VALUE 'auditor'", "public.membership_role"),
        ("CREATE TABLE hand_made (id int PRIMARY KEY)", "table public.hand_made"),
        ("ALTER TABLE memberships DROP CONSTRAINT memberships_user_id_fkey", "public.memberships.memberships_user_id_fkey"),
        ("CREATE SEQUENCE hand_made_seq", "sequence public.hand_made_seq"),
        ("ALTER SEQUENCE audit_log_id_seq INCREMENT BY 10", "sequence public.audit_log_id_seq"),
        ("ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY", "table public.api_keys"),
        ("CREATE POLICY own_keys ON api_keys USING (true)", "policy public.api_keys.own_keys"),
        ("ALTER TABLE users ADD COLUMN nickname text", "column public.users.nickname"),
        ("COMMENT ON TABLE sessions IS 'changed by hand'", "table public.sessions"),
        ("CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%')", "domain public.email_address"),
        ("CREATE TYPE money_amount AS (amount numeric, currency text)", "public.money_amount"),
        ("CREATE SCHEMA reporting", "schema reporting"),
        ("DROP INDEX security_events_ip_address_idx", "index public.security_events_ip_address_idx"),
        ("CREATE MATERIALIZED VIEW key_counts AS SELECT organization_id, count(*) FROM api_keys GROUP BY 1", "public.key_counts"),
        (
            "CREATE TRIGGER hand_made_trg BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION set_updated_at()",
            "trigger public.sessions.hand_made_trg"),
        ("ALTER TABLE users ALTER COLUMN locale SET DEFAULT 'en'", "column public.users.locale"),
    ];

    [Fact]
    public async Task Drift_finds_each_hand_made_change_names_its_object_and_exits_3()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        foreach (var (change, _) in HandMadeChanges)
        {
            // Each in a transaction of its own, as made by hand.
            await Db.ExecuteAsync(database, change);
        }

        var result = await Cli.RunAsync(database, "drift");

        Assert.True(result.ExitCode == ExitCodes.CheckFailed, result.ToString());
        var unnamed = HandMadeChanges.Where(c => !result.Out.Contains(c.ExpectedName, StringComparison.Ordinal))
            .Select(c => $"{c.Change}\n  expected: {c.ExpectedName}")
            .ToList();
        Assert.True(unnamed.Count == 0, $"drift named no object for {unnamed.Count} change(s):\n{string.Join("\n", unnamed)}\n{result}");
    }

    [Fact]
    public async Task Drift_can_replay_on_another_server_given_by_shadow_connection()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, "ALTER TABLE users ADD COLUMN nickname text");

        var result = await Cli.RunAsync(database, "drift", "--shadow-connection", db.ServerConnectionString);

        Assert.Equal(ExitCodes.CheckFailed, result.ExitCode);
        Assert.Contains("column public.users.nickname", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_json_lists_each_difference()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        await Db.ExecuteAsync(database, "CREATE INDEX hand_made_idx ON users (display_name); ALTER TABLE users ADD COLUMN nickname text");

        var result = await Cli.RunAsync(database, "drift", "--json");

        Assert.Equal(ExitCodes.CheckFailed, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.True(json.RootElement.GetProperty("hasDrift").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("differences").GetArrayLength());
    }

    [Fact]
    public async Task Drift_drops_its_scratch_database_even_when_the_replay_fails()
    {
        var database = await db.CreateDatabaseAsync();
        await Cli.RunAsync(database, "up", "--to", "1001", "--assembly", Cli.SamplesAssembly);
        // Pretend the broken sample ran here: its replay on the scratch database must fail.
        await Db.RecordAppliedAsync(database, 1100, "Broken script");
        var scratchBefore = await ScratchDatabaseCountAsync(database);

        var result = await Cli.RunAsync(database, "drift", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("42P01", result.Error, StringComparison.Ordinal);
        Assert.Equal(scratchBefore, await ScratchDatabaseCountAsync(database));
    }

    [Fact]
    public async Task Drift_against_a_saved_snapshot_finds_changes_made_since()
    {
        var database = await db.CreateMigratedDatabaseAsync();
        var file = Path.Combine(Path.GetTempPath(), $"snapshot-{Guid.NewGuid():N}.json");
        try
        {
            var saved = await Cli.RunAsync(database, "schema", "--output", file);
            var clean = await Cli.RunAsync(database, "drift", "--against", file);
            await Db.ExecuteAsync(database, "ALTER TABLE users ADD COLUMN nickname text");
            var changed = await Cli.RunAsync(database, "drift", "--against", file);
            var missing = await Cli.RunAsync(database, "drift", "--against", file + ".missing");

            Assert.Equal(ExitCodes.Success, saved.ExitCode);
            Assert.Equal(ExitCodes.Success, clean.ExitCode);
            Assert.Equal(ExitCodes.CheckFailed, changed.ExitCode);
            Assert.Contains("column public.users.nickname", changed.Out, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Baseline_of_the_production_schema_records_the_versions_and_up_then_applies_only_later_migrations()
    {
        // Arrange: production as found, and a fresh database migrated the normal way, both then given migration 1001.
        var production = await db.CreateProductionDatabaseAsync();
        var fresh = await db.CreateDatabaseAsync();
        var atProduction = Repository.ProductionVersion;
        var versions = MigrationSet.Default.Entries.Select(m => m.Version).ToList();
        var later = versions.Count(v => v > atProduction) + 1;

        // Act
        var baseline = await Cli.RunAsync(production, "baseline", "--version", $"{atProduction}");
        var up = await Cli.RunAsync(production, "up", "--to", "1001", "--assembly", MigrationsAssembly, "--assembly", Cli.SamplesAssembly);
        await Cli.RunAsync(fresh, "up", "--to", "1001", "--assembly", MigrationsAssembly, "--assembly", Cli.SamplesAssembly);

        // Assert
        Assert.True(baseline.ExitCode == ExitCodes.Success, baseline.ToString());
        Assert.Contains($"Proved: the schema equals migrations 1..{atProduction}", baseline.Out, StringComparison.Ordinal);
        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.Contains($"Applied {later} migration{(later == 1 ? "" : "s")} ", up.Out, StringComparison.Ordinal);
        Assert.Equal([.. versions.Where(v => v > atProduction), 1001L], CliOutput.ReportedVersions(up.Out));
        Assert.Equal([.. versions, 1001L], await Db.AppliedVersionsAsync(production));
        var differences = SchemaComparer.Compare(await Db.SnapshotAsync(fresh), await Db.SnapshotAsync(production));
        Assert.True(differences.Count == 0, Db.Describe(differences));
    }

    [Fact]
    public async Task Baseline_refuses_a_database_with_a_hand_made_change_and_prints_the_difference_unless_forced()
    {
        var production = await db.CreateProductionDatabaseAsync();
        await Db.ExecuteAsync(production, "CREATE INDEX hand_made_idx ON users (display_name)");
        var atProduction = $"{Repository.ProductionVersion}";

        var refused = await Cli.RunAsync(production, "baseline", "--version", atProduction);
        var versionsAfterRefusal = await Db.AppliedVersionsAsync(production);
        var forced = await Cli.RunAsync(production, "baseline", "--version", atProduction, "--force");
        var again = await Cli.RunAsync(production, "baseline", "--version", atProduction);

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains(
            $"refusing to baseline: the schema differs from migrations 1..{atProduction} in 1 way",
            refused.Error,
            StringComparison.Ordinal);
        Assert.Contains("index public.hand_made_idx", refused.Error, StringComparison.Ordinal);
        Assert.Empty(versionsAfterRefusal);
        Assert.Equal(ExitCodes.Success, forced.ExitCode);
        Assert.Contains("overridden by --force: index public.hand_made_idx", forced.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, again.ExitCode);
        Assert.Contains("VersionInfo already records", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Baseline_in_Production_needs_yes()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "baseline", "--version", "1", "--environment", "Production");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task An_applied_migration_whose_sql_changed_is_reported_blocks_up_and_repair_accepts_it()
    {
        var database = await db.CreateDatabaseAsync();
        await Cli.RunAsync(database, "up", "--to", "1002", "--assembly", Cli.SamplesAssembly);

        var validate = await Cli.RunEditedAsync(database, "1001", "fixed a typo", "validate", "--assembly", Cli.SamplesAssembly);
        var status = await Cli.RunEditedAsync(database, "1001", "fixed a typo", "status", "--assembly", Cli.SamplesAssembly);
        var up = await Cli.RunEditedAsync(database, "1001", "fixed a typo", "up", "--to", "1003", "--assembly", Cli.SamplesAssembly);
        var repair = await Cli.RunEditedAsync(
            database, "1001", "fixed a typo", "repair", "--accept", "1001", "--assembly", Cli.SamplesAssembly);
        var upAfterRepair = await Cli.RunEditedAsync(
            database, "1001", "fixed a typo", "up", "--to", "1003", "--assembly", Cli.SamplesAssembly);
        var unedited = await Cli.RunAsync(database, "validate", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.CheckFailed, validate.ExitCode);
        Assert.Contains(
            "[checksum-changed] applied migration 1001 S1001_SampleOne changed since it ran",
            validate.Out,
            StringComparison.Ordinal);
        Assert.Matches(@"CHANGED\s+1001", status.Out);
        Assert.Equal(ExitCodes.Failure, up.ExitCode);
        Assert.Contains(
            "refusing to migrate: the SQL of applied migration 1001 S1001_SampleOne changed",
            up.Error,
            StringComparison.Ordinal);
        Assert.Contains("repair --accept 1001", up.Error, StringComparison.Ordinal);
        Assert.Equal([1001L, 1002], (await Db.AppliedVersionsAsync(database)).Where(v => v < 1003));
        Assert.True(repair.ExitCode == ExitCodes.Success, repair.ToString());
        Assert.True(upAfterRepair.ExitCode == ExitCodes.Success, upAfterRepair.ToString());
        Assert.Contains(1003L, await Db.AppliedVersionsAsync(database));
        Assert.Equal(
            "repair",
            await Db.ScalarAsync<string>(database, """SELECT "RecordedBy" FROM "VersionInfoChecksums" WHERE "Version" = 1001"""));
        Assert.Equal(ExitCodes.CheckFailed, unedited.ExitCode);
    }

    [Fact]
    public async Task The_committed_DATABASE_STRUCTURE_md_is_current()
    {
        var database = await db.CreateMigratedDatabaseAsync();

        var expected = SchemaMarkdown.Render(await Db.SnapshotAsync(database), SchemaCommand.MarkdownTitle);
        var committed = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "DATABASE_STRUCTURE.md"));

        Assert.True(
            expected == committed,
            "docs/DATABASE_STRUCTURE.md is stale: regenerate it against a freshly migrated database with "
            + "`dotnet run --project Migrations.Runner -- schema --markdown docs/DATABASE_STRUCTURE.md`");
    }

    // Scratch databases are named after the live database, so other classes' drifts running meanwhile do not count.
    private async Task<long> ScratchDatabaseCountAsync(string liveDatabase) =>
        await Db.ScalarAsync<long>(
            db.ServerConnectionString,
            $"SELECT count(*) FROM pg_database WHERE datname LIKE '{new NpgsqlConnectionStringBuilder(liveDatabase).Database}"
            + "\\_scratch\\_%'");
}
