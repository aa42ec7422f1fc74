#if DEVELOPMENT_TOOLS
using System.CommandLine;
using Migrations.Runner.Development;
using Migrations.Runner.Errors;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

/// <summary><c>drift --write-migration "Title"</c>: the drift found, written as the next migration with its Down.</summary>
internal static class DriftMigrationCommand
{
    public static (Option<string?> Title, Option<string?> Directory) AddOptions(Command drift)
    {
        var title = new Option<string?>("--write-migration")
        {
            Description = "Write the drift as the next migration, Migrations/M{next}_{Title}.cs with Up and Down SQL in "
                + "Migrations/Scripts/ (example: drift --write-migration \"Capture production hotfixes\")",
        };
        var directory = new Option<string?>("--directory")
        {
            Description = "With --write-migration: the migrations project folder (default: Migrations/ of the repository)",
        };
        drift.Options.Add(title);
        drift.Options.Add(directory);
        return (title, directory);
    }

    public static async Task<int> RunAsync(Invocation run, string title, string? directory, CancellationToken ct)
    {
        var folder = directory is { } given
            ? Path.GetFullPath(given, run.Console.WorkingDirectory)
            : MigrationScaffolder.FindMigrationsDirectory(run.Console.WorkingDirectory)
              ?? throw new RunnerErrorException(new NotInRepository(run.Console.WorkingDirectory));
        var connection = await run.ConnectionStringAsync(ct);
        var drift = await new SchemaDiffService(run.Migrations, connection, run.RunOptions()).DriftScriptsAsync(run.ShadowConnection, ct);
        if (drift.Up.IsEmpty)
        {
            run.Out.WriteLine("No drift: the schema is exactly what the migrations say; no migration written.");
            return ExitCodes.Success;
        }

        run.Out.WriteLine($"Drift: {Report.Plural(drift.Differences.Count, "difference")}");
        foreach (var difference in drift.Differences)
        {
            run.Out.WriteLine("  " + difference.Describe());
        }

        foreach (var warning in drift.Up.Warnings.Concat(drift.Down.Warnings).Distinct())
        {
            run.Error($"warning: {warning}");
        }

        var result = DriftMigrationWriter.Write(folder, title, drift);
        foreach (var file in result.Files)
        {
            run.Out.WriteLine("wrote " + Path.GetRelativePath(run.Console.WorkingDirectory, file));
        }

        run.Error($"next: review {result.ClassName}'s scripts, run the tests (they round-trip it), then mark it applied where the "
            + $"drift came from: that database already has the change (baseline or a VersionInfo row for {result.Version})");
        return ExitCodes.Success;
    }
}
#endif
