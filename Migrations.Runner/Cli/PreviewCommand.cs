using System.CommandLine;
using System.Globalization;
using Migrations.Runner.Services;
using Migrations.Runner.Session;

namespace Migrations.Runner.Cli;

internal static class PreviewCommand
{
    public const string HowToRun = "psql -v ON_ERROR_STOP=1 -X -f FILE";

    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var target = CommonOptions.Target("Preview up to and including this version (default: all pending)");
        var outOfOrder = new Option<bool>("--out-of-order")
        {
            Description = "Preview 'up --out-of-order': also apply pending migrations older than the newest applied one",
        };
        var dropInvalid = new Option<bool>("--drop-invalid-indexes")
        {
            Description = "Preview 'up --drop-invalid-indexes': drop INVALID indexes first, instead of refusing",
        };
        var command = new Command(
            "preview",
            HelpText.WithExamples(
                $"Print the SQL that 'up' would run, touching nothing: a script that '{HowToRun}' runs as 'up' would",
                "preview > up.sql",
                "preview --to 14 --json"))
        {
            target, outOfOrder, dropInvalid,
        };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            var service = new PreviewService(run.Migrations, connection, run.RunOptions().Verbose);
            var script = await service.UpScriptAsync(
                run.Parse.GetValue(target), run.Parse.GetValue(outOfOrder), run.Parse.GetValue(dropInvalid), ct);
            Show(run, script);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The script as text; with --json, the same script and what each step holds.</summary>
    public static void Show(Invocation run, PreviewScript script)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(script);
        using var text = new StringWriter();
        Print(text, script);
        run.SetResult(new
        {
            Direction = script.Up ? "up" : "down",
            script.IsEmpty,
            Steps = script.Steps.Select(s => new
            {
                s.Migration.Version,
                s.Migration.Name,
                s.Migration.Transactional,
                Maintenance = s.Maintenance?.ToString(),
                s.RunsCSharp,
                s.AsksSchema,
                s.Statements,
            }).ToList(),
            Script = text.ToString(),
        });
        run.Out.Write(text.ToString());
    }

    /// <summary>
    /// The SQL as a script a DBA can read and psql can run: each part introduced by a comment line, every statement
    /// ending with its semicolon, under the migration lock as the runner takes it.
    /// </summary>
    public static void Print(TextWriter output, PreviewScript script)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(script);
        var direction = script.Up ? "up" : "down";
        if (script.IsEmpty)
        {
            output.WriteLine($"-- nothing to run ({direction})");
            return;
        }

        output.WriteLine($"-- what '{direction}' would run on this database. Run it with {HowToRun}: in autocommit, not with");
        output.WriteLine("-- --single-transaction (a migration without a transaction must run outside one). The runner migrates");
        var lockTimeout = (long)new SessionSettings().DatabaseLockTimeout.TotalSeconds;
        output.WriteLine(
            $"-- with lock_timeout {lockTimeout} s by default; for the same, run psql with PGOPTIONS='-c lock_timeout={lockTimeout}s'.");
        output.WriteLine();
        output.WriteLine("-- the migration lock, as the runner takes it: held by this session to its end, so no runner migrates meanwhile");
        Write(output, [LockSql()]);
        output.WriteLine();
        Part(output, "create the bookkeeping tables (VersionInfo, its checksums and their history)", script.CreateTables);
        Part(output, "drop the INVALID indexes left by an interrupted CREATE INDEX CONCURRENTLY", script.DropInvalidIndexes);
        Part(output, "record the checksums of migrations applied before checksums were kept", script.BackfillChecksums);
        foreach (var step in script.Steps)
        {
            var name = step.Maintenance is { } stage
                ? $"maintenance {stage} {step.Migration.Name}"
                : step.Profile is { } profile ? $"profile {profile} {step.Migration.Name}"
                : $"{direction} {step.Migration.Version} {step.Migration.Name}: {step.Migration.Description}";
            output.WriteLine(OneLine(name) + (step.Migration.Transactional ? "" : " (no transaction)"));
            if (step.AsksSchema)
            {
                output.WriteLine("-- asks the database about its schema: answered by the database as it is now, not after the steps above");
            }

            if (step.RunsCSharp)
            {
                // Leaving the C# out would let the script run on without it; stopping before the migration leaves it unapplied.
                output.WriteLine("-- runs C# against the connection, which a script cannot: the script stops here");
                Write(output, [Raise(
                    $"{step.Migration.Name} runs C# against the connection (Execute.WithConnection), which a script cannot run: "
                    + $"apply it with '{direction}'")]);
            }

            Write(output, step.Statements);
            output.WriteLine();
        }
    }

    private static void Part(TextWriter output, string title, IReadOnlyList<string> statements)
    {
        if (statements.Count > 0)
        {
            output.WriteLine("-- " + title);
            Write(output, statements);
            output.WriteLine();
        }
    }

    private static void Write(TextWriter output, IEnumerable<string> statements)
    {
        foreach (var statement in statements)
        {
            output.WriteLine(statement);
        }
    }

    // A description on several lines would put its later lines outside the comment.
    private static string OneLine(string title) => "-- " + title.ReplaceLineEndings(" ");

    // Polled, never waited for: a waiting session would hold a snapshot that the holder's CREATE INDEX CONCURRENTLY waits on.
    private static string LockSql() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"""
            DO $$
            BEGIN
                IF NOT pg_try_advisory_lock({MigrationLock.Key}) THEN
                    RAISE EXCEPTION 'another runner holds the migration lock on this database: run this script once it is done';
                END IF;
            END $$;
            """);

    private static string Raise(string message) =>
        $"""
        DO $$
        BEGIN
            RAISE EXCEPTION '{message.Replace("'", "''", StringComparison.Ordinal).Replace("%", "%%", StringComparison.Ordinal)}';
        END $$;
        """;
}
