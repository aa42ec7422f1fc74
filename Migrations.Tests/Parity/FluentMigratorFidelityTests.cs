using System.Globalization;
using System.Text.Json;
using FluentMigrator.Runner;
using Migrations.Runner.Catalog;
using Migrations.Runner.Cli;
using Migrations.Runner.History;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Parity;

/// <summary>
/// Each FluentMigrator feature a migrations assembly may lean on, run through the runner and through FluentMigrator's
/// own MigrationRunner with the same options: the same schema, data and version rows after up and after down to 0, or,
/// where the runner refuses, its refusal before anything runs. The migrations are FidelitySources, one namespace each.
/// This class: what selects and orders migrations; FluentMigratorHostFidelityTests: what FluentMigrator's host gives them.
/// </summary>
public class FluentMigratorFidelityTests(DatabaseFixture db) : FidelityTestBase(db), IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Migration_constraints_hold_migrations_back_run_by_run_as_FluentMigrator_does()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Constraints" };
        var (ours, theirs) = (await Fixture.CreateDatabaseAsync(), await Fixture.CreateDatabaseAsync());

        await UpBothAsync(ours, theirs, selection);
        var first = await SameAsync(ours, theirs, selection, "after the first up");
        var validate = await FidelityHarness.RunAsync(ours, ["validate", .. FidelityHarness.Options(selection)]);
        await UpBothAsync(ours, theirs, selection);
        var second = await SameAsync(ours, theirs, selection, "after the second up");
        await DownBothAsync(ours, theirs, selection);
        await SameAsync(ours, theirs, selection, "after down to 0");

        // Constraints read the VersionInfo the run began with: the first run held some back, the second let some through,
        // and one (a custom constraint on a profile never asked for) never runs.
        Assert.True(validate.ExitCode == ExitCodes.Success, validate.ToString());
        var catalog = Set(selection).Entries.Count;
        Assert.InRange(Count(first.Versions), 1, Count(second.Versions) - 1);
        Assert.True(Count(second.Versions) < catalog, second.Versions);
    }

    [Theory]
    [InlineData("a")]
    [InlineData(null)]
    public async Task Tags_select_migrations_and_maintenance_as_FluentMigrator_does(string? tag)
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Tags", Tags = tag is null ? [] : [tag] };
        await RoundTripAsync(selection);
    }

    [Fact]
    public async Task Versions_applied_under_other_tags_are_neither_unknown_nor_pending_to_the_other_verbs()
    {
        var database = await Fixture.CreateDatabaseAsync();
        string[] tags = ["--namespace", "Fidelity.Tags"];

        var up = await FidelityHarness.RunAsync(database, ["up", .. tags, "--tags", "a"]);
        var results = new[]
        {
            await FidelityHarness.RunAsync(database, ["status", "--check", .. tags]),
            await FidelityHarness.RunAsync(database, ["validate", .. tags]),
            await FidelityHarness.RunAsync(database, ["up", .. tags]),
        };

        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.All(results, r => Assert.True(r.ExitCode == ExitCodes.Success, r.ToString()));
    }

    [Fact]
    public async Task A_profile_and_BeforeProfiles_maintenance_run_after_up_and_after_down_as_FluentMigrator_runs_them()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Profiles", Profile = "Development" };
        var (ours, _) = await RoundTripAsync(selection);

        Assert.Equal(2, await Db.ScalarAsync<long>(ours, "SELECT count(*) FROM profile_log"));
        Assert.False(await Db.ScalarAsync<bool>(ours, "SELECT to_regclass('other_profile_ran') IS NOT NULL"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_namespace_filter_takes_nested_namespaces_only_when_asked_as_FluentMigrator_does(bool nested)
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Nested", NestedNamespaces = nested };
        var (ours, _) = await RoundTripAsync(selection, downToo: false);

        Assert.Equal(nested, await Db.ScalarAsync<bool>(ours, "SELECT to_regclass('inner_table') IS NOT NULL"));
    }

    [Fact]
    public async Task A_breaking_change_is_refused_before_anything_runs_and_applied_with_allow_breaking_changes()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Breaking" };
        var allowed = selection with { AllowBreakingChanges = true };
        var (ours, theirs) = (await Fixture.CreateDatabaseAsync(), await Fixture.CreateDatabaseAsync());

        var refused = await FidelityHarness.RunAsync(ours, ["up", .. FidelityHarness.Options(selection)]);
        var applied = await Db.AppliedVersionsAsync(ours);
        Assert.Throws<InvalidOperationException>(() => FidelityHarness.Reference(theirs, selection, r => r.MigrateUp()));
        await UpBothAsync(ours, theirs, allowed);
        await SameAsync(ours, theirs, allowed, "after up with breaking changes allowed");
        await DownBothAsync(ours, theirs, allowed);
        await SameAsync(ours, theirs, allowed, "after down to 0");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("B402", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-breaking-changes", refused.Error, StringComparison.Ordinal);
        Assert.Empty(applied);
    }
}

/// <summary>
/// What FluentMigrator's host hands an assembly (services, the connection string, its conventions and version table,
/// its dependencies), and handing a database over between the two runners; a class of its own so that it runs beside
/// the selection tests.
/// </summary>
public class FluentMigratorHostFidelityTests(DatabaseFixture db) : FidelityTestBase(db), IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Constructor_parameters_come_from_the_services_FluentMigrators_runner_provides()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Services", Tags = ["x"] };
        var (ours, theirs) = await RoundTripAsync(selection, downToo: false);
        var note = await Db.ScalarAsync<string>(ours, "SELECT note FROM s_log");
        await DownBothAsync(ours, theirs, selection);
        await SameAsync(ours, theirs, selection, "after down to 0");

        Assert.Equal("tags:x", note);
    }

    [Fact]
    public async Task A_constructor_parameter_no_service_provides_is_refused_by_name_before_anything_runs()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Unresolvable" };
        var (ours, theirs) = (await Fixture.CreateDatabaseAsync(), await Fixture.CreateDatabaseAsync());

        var up = await FidelityHarness.RunAsync(ours, ["up", .. FidelityHarness.Options(selection)]);
        var status = await FidelityHarness.RunAsync(ours, ["status", .. FidelityHarness.Options(selection)]);
        Assert.ThrowsAny<Exception>(() => FidelityHarness.Reference(theirs, selection, r => r.MigrateUp()));

        foreach (var result in new[] { up, status })
        {
            Assert.Equal(ExitCodes.Failure, result.ExitCode);
            Assert.Contains("U551", result.Error, StringComparison.Ordinal);
            Assert.Contains("System.Net.Http.HttpClient", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        }

        Assert.False(await Db.ScalarAsync<bool>(ours, "SELECT to_regclass('public.\"VersionInfo\"') IS NOT NULL"));
    }

    [Fact]
    public async Task Migrations_read_the_connection_string_as_under_FluentMigrator()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Connection" };
        var (ours, theirs) = (await Fixture.CreateDatabaseAsync(), await Fixture.CreateDatabaseAsync());

        await UpBothAsync(ours, theirs, selection);
        await SameAsync(ours, theirs, selection, "after up");

        Assert.True(await Db.ScalarAsync<bool>(ours, "SELECT has_connection FROM cs_log"));
    }

    [Fact]
    public async Task The_assemblys_own_convention_set_puts_tables_and_VersionInfo_in_its_default_schema()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Conventions" };
        var (ours, _) = await RoundTripAsync(selection);

        Assert.Equal(new VersionTable("app", "VersionInfo", "Version", "AppliedOn", "Description", "UC_Version", false), Table(selection));
        Assert.True(await Db.ScalarAsync<bool>(ours, "SELECT to_regclass('app.\"VersionInfo\"') IS NOT NULL"));
    }

    [Fact]
    public async Task The_assemblys_version_table_is_created_read_and_written_as_FluentMigrator_does()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.VersionTable" };
        var (ours, _) = await RoundTripAsync(selection);

        Assert.Equal("meta", Table(selection).Schema);
        Assert.True(await Db.ScalarAsync<bool>(ours, "SELECT to_regclass('meta.schema_history') IS NOT NULL"));
        Assert.False(await Db.ScalarAsync<bool>(ours, "SELECT to_regclass('public.\"VersionInfo\"') IS NOT NULL"));
    }

    [Theory]
    [InlineData("Fidelity.VersionTable")]
    [InlineData("Fidelity.Handover")]
    public async Task A_database_migrated_by_either_runner_continues_under_the_other(string ns)
    {
        var selection = new MigrationSelection { Namespace = ns };
        var first = Set(selection).Entries[0].Version;
        var (fmThenOurs, oursThenFm, fmOnly) =
            (await Fixture.CreateDatabaseAsync(), await Fixture.CreateDatabaseAsync(), await Fixture.CreateDatabaseAsync());

        FidelityHarness.Reference(fmThenOurs, selection, r => r.MigrateUp(first));
        var status = await FidelityHarness.RunAsync(fmThenOurs, ["status", "--json", .. FidelityHarness.Options(selection)]);
        await UpOursAsync(fmThenOurs, selection);
        await UpOursAsync(oursThenFm, selection, first);
        FidelityHarness.Reference(oursThenFm, selection, r => r.MigrateUp());
        FidelityHarness.Reference(fmOnly, selection, r => r.MigrateUp());

        using (var json = JsonDocument.Parse(status.Out))
        {
            Assert.Equal(first, json.RootElement.GetProperty("current").GetInt64());
        }

        var table = Table(selection);
        var reference = await FidelityHarness.ReadAsync(fmOnly, table);
        FidelityHarness.AssertSame(reference, await FidelityHarness.ReadAsync(fmThenOurs, table), "FluentMigrator, then the runner");
        FidelityHarness.AssertSame(reference, await FidelityHarness.ReadAsync(oursThenFm, table), "the runner, then FluentMigrator");
    }

    [Fact]
    public async Task An_assembly_loads_with_a_dependency_beside_it_that_the_runner_does_not_ship()
    {
        var folder = Directory.CreateTempSubdirectory("fidelity-dependency-").FullName;
        var dependency = FidelityHarness.CompileInto(folder, "FidelityDependency", FidelitySources.Dependency, []);
        var uses = FidelityHarness.CompileInto(folder, "FidelityUsesDependency", FidelitySources.UsesDependency, [dependency]);
        var database = await Fixture.CreateDatabaseAsync();

        var up = await Cli.RunAsync(database, "up", "--assembly", uses);
        var status = await Cli.RunAsync(database, "status", "--check", "--assembly", uses);

        Assert.True(up.ExitCode == ExitCodes.Success, up.ToString());
        Assert.True(status.ExitCode == ExitCodes.Success, status.ToString());
        Assert.True(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('from_dependency') IS NOT NULL"));
    }

    [Fact]
    public async Task Status_and_preview_see_the_migrations_FluentMigrators_loader_selects_for_the_same_options()
    {
        var selection = new MigrationSelection { Namespace = "Fidelity.Tags", Tags = ["b"] };
        var database = await Fixture.CreateDatabaseAsync();
        IReadOnlyList<long> loaded = [];
        FidelityHarness.Reference(database, selection, r => loaded = [.. ((MigrationRunner)r).MigrationLoader.LoadMigrations().Keys]);

        var status = await FidelityHarness.RunAsync(database, ["status", "--json", .. FidelityHarness.Options(selection)]);
        var preview = await FidelityHarness.RunAsync(database, ["preview", .. FidelityHarness.Options(selection)]);

        using var json = JsonDocument.Parse(status.Out);
        Assert.Equal(loaded, json.RootElement.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("version").GetInt64()));
        Assert.True(preview.ExitCode == ExitCodes.Success, preview.ToString());
        var every = Set(new MigrationSelection { Namespace = "Fidelity.Tags", Tags = ["a", "b"] }).Entries.Select(e => e.Version);
        foreach (var version in every)
        {
            Assert.Equal(loaded.Contains(version), preview.Out.Contains($"up {version} ", StringComparison.Ordinal));
        }
    }
}

/// <summary>Runs a selection both ways and compares what each left.</summary>
public abstract class FidelityTestBase(DatabaseFixture db)
{
    private protected DatabaseFixture Fixture => db;

    private protected async Task<(string Ours, string Theirs)> RoundTripAsync(MigrationSelection selection, bool downToo = true)
    {
        var (ours, theirs) = (await db.CreateDatabaseAsync(), await db.CreateDatabaseAsync());
        await UpBothAsync(ours, theirs, selection);
        await SameAsync(ours, theirs, selection, "after up");
        if (downToo)
        {
            await DownBothAsync(ours, theirs, selection);
            await SameAsync(ours, theirs, selection, "after down to 0");
        }

        return (ours, theirs);
    }

    private protected static async Task UpBothAsync(string ours, string theirs, MigrationSelection selection)
    {
        await UpOursAsync(ours, selection);
        FidelityHarness.Reference(theirs, selection, r => r.MigrateUp());
    }

    private protected static async Task UpOursAsync(string database, MigrationSelection selection, long? to = null)
    {
        string[] target = to is { } t ? ["--to", t.ToString(CultureInfo.InvariantCulture)] : [];
        var result = await FidelityHarness.RunAsync(database, ["up", .. target, .. FidelityHarness.Options(selection)]);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }

    private protected static async Task DownBothAsync(string ours, string theirs, MigrationSelection selection)
    {
        var result = await FidelityHarness.RunAsync(ours, ["down", "--to", "0", .. FidelityHarness.Options(selection)]);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        FidelityHarness.Reference(theirs, selection, r => r.MigrateDown(0));
    }

    private protected static async Task<DatabaseState> SameAsync(
        string ours, string theirs, MigrationSelection selection, string when)
    {
        var table = Table(selection);
        var reference = await FidelityHarness.ReadAsync(theirs, table);
        FidelityHarness.AssertSame(reference, await FidelityHarness.ReadAsync(ours, table), when);
        return reference;
    }

    private protected static MigrationSet Set(MigrationSelection selection) =>
        MigrationSet.Load([FidelityHarness.AssemblyPath], selection);

    private protected static VersionTable Table(MigrationSelection selection) => Set(selection).VersionTable;

    private protected static int Count(string lines) => lines.Length == 0 ? 0 : lines.Split('\n').Length;
}
