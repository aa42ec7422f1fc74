using System.CommandLine;
using Migrations.Runner.Import;

namespace Migrations.Runner.Cli;

/// <summary><c>baseline --from-history</c>: adopting the history another tool recorded, mapped by the import manifest.</summary>
internal static class HistoryAdoption
{
    public static Option<bool> Option() => new("--from-history")
    {
        Description = "Adopt what the old tool (golang-migrate, goose, Flyway, sql-migrate, dbmate, diesel) recorded in its history "
            + "table, mapped to the imported versions: proved, then recorded without running anything",
    };

    /// <summary>
    /// Exactly one of --version and --from-history: a parse error otherwise, worded as the parser words a missing option.
    /// </summary>
    public static void Validate(Command command, Option<long> version, Option<bool> fromHistory)
    {
        command.Validators.Add(result =>
        {
            var versionGiven = result.GetResult(version) is not null;
            var adopt = result.GetValue(fromHistory);
            if (versionGiven == adopt)
            {
                result.AddError(adopt
                    ? "--version and --from-history exclude each other."
                    : "Option '--version' is required (or --from-history, for a database another tool migrated).");
            }
        });
    }

    public static async Task<int> RunAsync(Invocation run, Option<bool> force, CancellationToken ct)
    {
        var connection = await run.ConnectionStringAsync(ct);
        run.ConfirmDestructive("baseline");
        var result = await new HistoryAdoptionService(run.Migrations, connection, run.RunOptions())
            .AdoptAsync(run.Parse.GetValue(force), run.ShadowConnection, ct);
        run.Out.WriteLine($"Read {result.Table} ({ImportCommand.Name(result.Format)}): "
            + $"{Report.Plural(result.Mapped.Count, "applied version")}.");
        foreach (var mapped in result.Mapped)
        {
            run.Out.WriteLine($"  {mapped.HistoryId,-24} -> {mapped.Version}");
        }

        if (result.Baseline is not { } baseline)
        {
            run.Out.WriteLine("Nothing to adopt: the old tool applied nothing; 'up' applies every migration.");
            return ExitCodes.Success;
        }

        foreach (var overridden in baseline.Overridden)
        {
            run.Error("overridden by --force: " + overridden.Describe());
        }

        run.Out.WriteLine(baseline.Overridden.Count == 0
            ? $"Proved: the schema (less {result.Table}) equals those migrations replayed."
            : $"Not proved: {Report.Plural(baseline.Overridden.Count, "difference")} overridden by --force.");
        run.Out.WriteLine($"Recorded {Report.Plural(baseline.Recorded.Count, "migration")} as applied; 'up' applies the rest. "
            + $"{result.Table} is left as it was.");
        return ExitCodes.Success;
    }
}
