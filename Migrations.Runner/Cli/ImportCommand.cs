using System.CommandLine;
using System.Text.Json;
using Migrations.Runner.Import;

namespace Migrations.Runner.Cli;

internal static class ImportCommand
{
    private static readonly Dictionary<string, SourceFormat> Formats = new(StringComparer.Ordinal)
    {
        ["plain"] = SourceFormat.Plain,
        ["golang-migrate"] = SourceFormat.GolangMigrate,
        ["flyway"] = SourceFormat.Flyway,
        ["goose"] = SourceFormat.Goose,
        ["sql-migrate"] = SourceFormat.SqlMigrate,
        ["dbmate"] = SourceFormat.Dbmate,
        ["diesel"] = SourceFormat.Diesel,
    };

    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var from = new Option<string>("--from") { Description = "The folder of the other tool's migrations", Required = true };
        var format = new Option<string?>("--format")
        {
            Description = "The folder's format (default: detected, and said which): " + string.Join(", ", Formats.Keys),
        };
        format.AcceptOnlyFromAmong([.. Formats.Keys]);
        var output = new Option<string>("--output")
        {
            Description = "Where to write: '.' (a repository with legacy-sql/ and Migrations/) appends after its last version; "
                + "an empty or new folder gets a project of its own that builds with 'dotnet build'",
            Required = true,
        };
        var prelude = new Option<string?>("--prelude")
        {
            Description = "A SQL file of prerequisites the migrations assume (CREATE EXTENSION, roles): becomes the first migration",
        };
        var generate = new Option<bool>("--generate-missing-downs")
        {
            Description = "Write each missing rollback from the schema before and after its up, replayed on a scratch database "
                + "created on the --connection server",
        };
        var command = new Command(
            "import",
            "Bring another tool's migration folder in: legacy-sql files byte for byte, rollbacks, SHA256SUMS, the audit and one "
            + "class per version. Example: import --from db/migrations --output ../imported")
        {
            from, format, output, prelude, generate, options.Json,
        };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var here = run.Console.WorkingDirectory;
            var given = run.Parse.GetValue(format);
            var result = await ImportService.ImportAsync(
                new ImportOptions(
                    Path.Combine(here, run.Parse.GetValue(from)!),
                    given is null ? null : Formats[given],
                    Path.Combine(here, run.Parse.GetValue(output)!),
                    run.Parse.GetValue(prelude) is { } file ? Path.Combine(here, file) : null,
                    run.Parse.GetValue(generate)),
                run.ConnectionStringAsync,
                ct);
            if (run.Parse.GetValue(options.Json))
            {
                run.Out.WriteLine(JsonSerializer.Serialize(Json(result), Report.Json));
            }
            else
            {
                Print(run.Out, result);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Name(SourceFormat format) => Formats.First(f => f.Value == format).Key;

    private static void Print(TextWriter output, ImportResult result)
    {
        var plan = result.Plan;
        var migrations = plan.Migrations;
        output.WriteLine($"Read {Name(plan.Format.Format)} from {plan.From}"
            + (plan.FormatGiven ? "" : $" (detected: {plan.Format.Evidence})") + $": {Report.Plural(migrations.Count, "migration")}.");
        var root = result.Target.Root;
        output.WriteLine(result.Target.Append
            ? $"Appended migrations {migrations[0].Version}..{migrations[^1].Version} to {root} (legacy-sql/, Migrations/)."
            : $"Wrote migrations {migrations[0].Version}..{migrations[^1].Version} to {root}, a project of its own: "
              + $"dotnet build {root}, then run it with --assembly {Built(root)}");
        var none = migrations.Where(m => !m.Transactional).Select(m => m.Version).ToList();
        if (none.Count > 0)
        {
            output.WriteLine($"  without the runner's transaction: {string.Join(", ", none)}");
        }

        foreach (var m in result.MissingDowns)
        {
            output.WriteLine($"  no rollback: {m.Version} ({m.Source.Up.Origin}); its Down fails, naming it, until one is written");
        }

        foreach (var m in migrations.Where(m => m.DownState == DownState.Generated))
        {
            output.WriteLine($"  generated rollback: {m.Version} ({m.Source.Up.Origin}) in legacy-sql/{m.RollbackName}; review it");
        }

        foreach (var m in migrations.Where(m => m.DownState == DownState.Empty))
        {
            output.WriteLine($"  empty rollback: {m.Version} ({m.Source.Down!.Origin}) undoes nothing");
        }

        foreach (var d in plan.Duplicates)
        {
            output.WriteLine($"  duplicate source version {d.Version}: {string.Join(", ", d.Origins)}");
        }

        foreach (var r in plan.Folder.Repeatables)
        {
            output.WriteLine($"  not imported: {r} (a Flyway repeatable; see the audit)");
        }

        foreach (var s in plan.Folder.Skipped)
        {
            var why = s.Reason == SkipReason.GoMigration ? "a Go migration" : "not a migration file name";
            output.WriteLine($"  not imported: {s.Origin} ({why})");
        }

        output.WriteLine($"Audit: {Path.Combine(root, "legacy-sql", "README.md")}");
    }

    private static string Built(string root) =>
        Path.Combine(root, "bin", "Debug", $"net{Environment.Version.Major}.0", ImportTarget.ProjectName + ".dll");

    private static object Json(ImportResult result) => new
    {
        Format = Name(result.Plan.Format.Format),
        Detected = result.Plan.FormatGiven ? null : result.Plan.Format.Evidence,
        Output = result.Target.Root,
        result.Target.Append,
        Migrations = result.Plan.Migrations.Select(m => new
        {
            m.Version,
            m.FileName,
            m.ClassName,
            Origin = m.Source.Up.Origin,
            SourceVersion = m.Source.Version,
            m.IsPrelude,
            m.Transactional,
            Up = m.Up.Mode,
            Down = m.DownState,
        }),
        Duplicates = result.Plan.Duplicates,
        Repeatables = result.Plan.Folder.Repeatables,
        result.Written,
    };
}
