using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.History;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Parity;

/// <summary>Runs only where FLUENTMIGRATOR_PROOF names the folder the proof was built in (Migrations/README.md).</summary>
public sealed class ProofTheoryAttribute : TheoryAttribute
{
    public ProofTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("FLUENTMIGRATOR_PROOF") is null)
        {
            Skip = "FluentMigrator's own migrations are built outside the repository; set FLUENTMIGRATOR_PROOF to run them";
        }
    }
}

/// <summary>
/// FluentMigrator's own sample and its PostgreSQL-capable integration-test migrations (v8.0.1, built outside the
/// repository as Migrations/README.md describes), each case run through the runner and through FluentMigrator's
/// MigrationRunner: the same outcome, and where both ran, the same schema, data and version rows after every up and
/// after down to 0. Each case's outcome is appended to $FLUENTMIGRATOR_PROOF/results.txt.
/// </summary>
public class FluentMigratorOwnMigrationsTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string Root = "FluentMigrator.Tests.Integration.Migrations";

    public static TheoryData<string> Cases =>
    [
        "sample", "root", "root-abc", "computed", "constraints", "constraints-multiple", "constraints-success",
        "interleaved", "invalid", "issues", "nested-group1", "nested", "nested-not-nested", "tagged", "tagged-a", "tagged-b",
    ];

    [ProofTheory]
    [MemberData(nameof(Cases))]
    public async Task FluentMigrators_own_migrations_run_as_under_FluentMigrator(string name)
    {
        var folder = Environment.GetEnvironmentVariable("FLUENTMIGRATOR_PROOF")!;
        var sample = Path.Combine(folder, "sample/bin/Release/net10.0/FluentMigrator.Example.Migrations.dll");
        var integration = Path.Combine(folder, "integration/bin/Release/net10.0/FluentMigrator.Tests.Integration.Migrations.dll");
        (string Path, MigrationSelection Selection, string[] Extra)[] steps = name switch
        {
            "sample" => [(sample, new(), []), (sample, new(), [])],
            "root" => [(integration, new() { Namespace = Root }, [])],
            "root-abc" => [(integration, new() { Namespace = Root, AllowBreakingChanges = true }, [])],
            "computed" => [(integration, new() { Namespace = Root + ".Computed" }, [])],
            "constraints" => [(integration, new() { Namespace = Root + ".Constrained.Constraints" }, []),
                (integration, new() { Namespace = Root + ".Constrained.Constraints" }, [])],
            "constraints-multiple" => [(integration, new() { Namespace = Root + ".Constrained.ConstraintsMultiple" }, [])],
            "constraints-success" => [(integration, new() { Namespace = Root + ".Constrained.ConstraintsSuccess" }, [])],
            "interleaved" => [(integration, new() { Namespace = Root + ".Interleaved.Pass1" }, []),
                (integration, new() { Namespace = Root + ".Interleaved.Pass2" }, ["--out-of-order"]),
                (integration, new() { Namespace = Root + ".Interleaved.Pass3" }, ["--out-of-order"])],
            "invalid" => [(integration, new() { Namespace = Root + ".Invalid" }, [])],
            "issues" => [(integration, new() { Namespace = Root + ".Issues" }, [])],
            "nested-group1" => [(integration, new() { Namespace = Root + ".Nested.Group1" }, [])],
            "nested" => [(integration, new() { Namespace = Root + ".Nested", NestedNamespaces = true }, [])],
            "nested-not-nested" => [(integration, new() { Namespace = Root + ".Nested" }, [])],
            "tagged" => [(integration, new() { Namespace = Root + ".Tagged" }, [])],
            "tagged-a" => [(integration, new() { Namespace = Root + ".Tagged", Tags = ["TenantA"] }, [])],
            "tagged-b" => [(integration, new() { Namespace = Root + ".Tagged", Tags = ["TenantB"] }, [])],
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var (ours, theirs) = (await db.CreateDatabaseAsync(), await db.CreateDatabaseAsync());
        var log = new List<string>();
        var bothRan = true;
        foreach (var (path, selection, extra) in steps)
        {
            var ourRun = await Cli.RunAsync(ours, ["up", "--assembly", path, .. extra, .. FidelityHarness.Options(selection)]);
            var theirRun = Catch(
                () => FidelityHarness.Reference(MigrationSet.Load([path]).Assemblies[0], theirs, selection, r => r.MigrateUp()));
            var ourOutcome = ourRun.ExitCode == 0 ? "ok" : $"exit {ourRun.ExitCode}: {ourRun.Error.Split('\n')[0]}";
            log.Add($"up: runner {ourOutcome}; FluentMigrator {theirRun}");
            bothRan &= ourRun.ExitCode == 0 && theirRun == "ok";
            log.Add("  " + await CompareAsync(ours, theirs, path, selection));
        }

        if (bothRan)
        {
            var (path, selection, _) = steps[^1];
            var down = await Cli.RunAsync(ours, ["down", "--to", "0", "--assembly", path, .. FidelityHarness.Options(selection)]);
            var theirDown = Catch(
                () => FidelityHarness.Reference(MigrationSet.Load([path]).Assemblies[0], theirs, selection, r => r.MigrateDown(0)));
            log.Add($"down to 0: runner {(down.ExitCode == 0 ? "ok" : down.Error.Split('\n')[0])}; FluentMigrator {theirDown}");
            log.Add("  " + await CompareAsync(ours, theirs, path, selection));
        }

        await File.AppendAllTextAsync(Path.Combine(folder, "results.txt"), $"## {name}\n{string.Join("\n", log)}\n");
        // The one difference kept on purpose: a BreakingChange is refused before anything runs, where FluentMigrator
        // applies the migrations before it and stops there.
        Assert.Equal(name == "root", log.Any(line => line.Contains("DIFFERENT", StringComparison.Ordinal)));
    }

    private static async Task<string> CompareAsync(string ours, string theirs, string path, MigrationSelection selection)
    {
        VersionTable table;
        try
        {
            table = MigrationSet.Load([path], selection).VersionTable;
        }
        catch (RunnerErrorException)
        {
            // A set the runner refuses (duplicate versions): FluentMigrator's default table is where to look.
            table = VersionTable.Default;
        }

        var theirState = await FidelityHarness.ReadAsync(theirs, table);
        var ourState = await FidelityHarness.ReadAsync(ours, table);
        var differences = SchemaComparer.Compare(theirState.Schema, ourState.Schema);
        return theirState.Versions == ourState.Versions && theirState.Data == ourState.Data && differences.Count == 0
            ? $"same schema, data and version rows (versions: {theirState.Versions.Replace('\n', ',')})"
            : $"DIFFERENT: versions FM [{theirState.Versions.Replace('\n', ',')}] runner [{ourState.Versions.Replace('\n', ',')}]; "
              + $"data equal {theirState.Data == ourState.Data}; {differences.Count} schema differences";
    }

    private static string Catch(Action action)
    {
        try
        {
            action();
            return "ok";
        }
        catch (Exception e)
        {
            return $"threw {e.GetType().Name}: {e.Message.Split('\n')[0]}";
        }
    }
}
