using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Migrations.Runner.Errors;
using Migrations.Runner.Schema.Generation;
using Migrations.Runner.Services;
using Npgsql;

namespace Migrations.Runner.Cli;

internal static class DiffCommand
{
    public const string SourceForms =
        "a connection string (Host=...;Database=...), 'live' (the runner's own connection), a snapshot file from "
        + "'schema --output', 'migrations' (all, replayed on a scratch database) or 'migrations:V' (up to V)";

    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var from = new Option<string>("--from") { Description = "The schema to start from: " + SourceForms, Required = true };
        var to = new Option<string>("--to") { Description = "The schema to arrive at, in the same forms as --from", Required = true };
        var command = new Command(
            "diff",
            "Print the SQL that turns one schema into another, runnable with psql -v ON_ERROR_STOP=1 -f -; warnings on stderr. "
            + "Example: diff --from migrations --to live > hotfixes.sql")
        {
            from, to, options.Json, options.ShadowConnection,
        };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var fromText = run.Parse.GetValue(from)!;
            var toText = run.Parse.GetValue(to)!;
            var source = await SourceAsync(run, "--from", fromText, ct);
            var target = await SourceAsync(run, "--to", toText, ct);
            var server = source is MigrationsSource || target is MigrationsSource
                ? run.ShadowConnection ?? await run.ConnectionStringAsync(ct)
                : "";
            var diff = await new SchemaDiffService(run.Migrations, server, run.RunOptions()).DiffAsync(source, target, ct);
            foreach (var note in diff.Notes)
            {
                run.Error($"note: {note}.");
            }

            foreach (var warning in diff.Script.Warnings)
            {
                run.Error($"warning: {warning}");
            }

            if (run.Parse.GetValue(options.Json))
            {
                run.Out.WriteLine(JsonSerializer.Serialize(Json(Label(source, fromText), Label(target, toText), diff.Script), Report.Json));
                return ExitCodes.Success;
            }

            run.Out.Write(Header(Label(source, fromText), Label(target, toText), diff.Script));
            run.Out.Write(diff.Script.Sql);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The typed result diff --json prints.</summary>
    internal sealed record DiffJson(
        string From, string To, bool Empty, bool Destructive, bool RequiresNoTransaction, IReadOnlyList<string> Warnings,
        IReadOnlyList<ScriptStatement> Statements, string Sql);

    internal static DiffJson Json(string from, string to, SchemaScript script) =>
        new(from, to, script.IsEmpty, script.IsDestructive, script.RequiresNoTransaction, script.Warnings, script.Statements, script.Sql);

    internal static string Header(string from, string to, SchemaScript script)
    {
        var lines = new List<string> { $"-- from {from}", $"-- to {to}" };
        if (script.IsEmpty)
        {
            lines.Add("-- no difference: nothing to run");
        }

        lines.AddRange(script.Warnings.Select(w => "-- warning: " + w));
        if (script.RequiresNoTransaction)
        {
            lines.Add("-- run in autocommit (psql without --single-transaction): statements marked 'outside a transaction' need it");
        }

        return string.Join("\n", lines) + "\n";
    }

    // A connection string is named by its server and database only: never its password.
    private static string Label(SchemaSource source, string text) => source switch
    {
        DatabaseSource d when new NpgsqlConnectionStringBuilder(d.ConnectionString) is var b =>
            $"database {b.Database} on {b.Host}:{b.Port}",
        MigrationsSource { Version: { } v } => $"migrations up to {v.ToString(CultureInfo.InvariantCulture)}",
        MigrationsSource => "all migrations",
        _ => text,
    };

    private static async Task<SchemaSource> SourceAsync(Invocation run, string option, string text, CancellationToken ct)
    {
        text = text.Trim();
        if (text == "live")
        {
            return new DatabaseSource(await run.ConnectionStringAsync(ct), Own: true);
        }

        if (text == "migrations")
        {
            return new MigrationsSource(null);
        }

        if (text.StartsWith("migrations:", StringComparison.Ordinal))
        {
            var versions = run.Migrations.Entries.Select(m => m.Version).ToList();
            if (!long.TryParse(text["migrations:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new RunnerErrorException(new UnknownSchemaSource(option, text));
            }

            return version == 0 || versions.Contains(version)
                ? new MigrationsSource(version)
                : throw new RunnerErrorException(new UnknownSourceVersion(option, version, versions.DefaultIfEmpty(0).Max()));
        }

        var path = Path.GetFullPath(text, run.Console.WorkingDirectory);
        if (File.Exists(path) || text.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return new SnapshotFileSource(path);
        }

        return text.Contains('=', StringComparison.Ordinal)
            ? new DatabaseSource(RunnerConfiguration.Normalize(text, option))
            : throw new RunnerErrorException(new UnknownSchemaSource(option, text));
    }
}
