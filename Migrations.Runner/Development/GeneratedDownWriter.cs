using System.Text.RegularExpressions;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Execution;
using Migrations.Runner.Schema.Generation;
using Migrations.Runner.Services;

namespace Migrations.Runner.Development;

/// <summary>Whether the class had to be declared <c>TransactionBehavior.None</c> for its generated down, and was.</summary>
public enum NoTransactionMark
{
    /// <summary>Every statement of the down runs in a transaction.</summary>
    NotNeeded,

    /// <summary>The class was declared so already.</summary>
    Already,

    /// <summary>The writer added it to the class's [Migration] attribute.</summary>
    Marked,

    /// <summary>The attribute is not in a form the writer can edit: the developer must add it.</summary>
    NotFound,
}

/// <summary>One down script written: where, from how many migrations replayed, and the script as generated.</summary>
public sealed record GeneratedDown(DownTarget Target, int Replayed, SchemaScript Script, NoTransactionMark Transaction);

/// <summary>
/// Writes the Down of a migration that was left to generate (<c>new --generate-down</c>): on a scratch database the
/// migrations before it run, then it (<see cref="SchemaDiffService.GenerateRollbackAsync"/>), and the SQL from the
/// schema after its Up back to the schema before it becomes its down script, under a header saying so.
/// </summary>
public static class GeneratedDownWriter
{
    /// <summary>Refuses a target whose Up the built migrations do not hold as the folder does: they were built before it.</summary>
    /// <exception cref="RunnerErrorException"><see cref="GeneratedDownNotBuilt"/>.</exception>
    public static void RequireBuilt(IEnumerable<DownTarget> targets, MigrationSet migrations)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(migrations);
        foreach (var target in targets)
        {
            if (!IsBuilt(target, migrations))
            {
                throw new RunnerErrorException(new GeneratedDownNotBuilt(
                    target.Version, target.ClassName, target.Named(target.UpScript ?? target.ClassFile), migrations.Name));
            }
        }
    }

    /// <summary>
    /// Generates every target's down first, then writes them all: a failure (a migration that fails on the scratch
    /// database, an Up that changes no schema) leaves every file as it was.
    /// </summary>
    /// <param name="targets">What <see cref="DownTargets.Find"/> returned.</param>
    /// <param name="migrations">The built migrations, holding the targets' Ups.</param>
    /// <param name="server">The server of the scratch database (created there and dropped).</param>
    /// <param name="options">How the migrations run there.</param>
    /// <param name="cancellationToken">Stops the replay; the scratch database is dropped.</param>
    /// <exception cref="RunnerErrorException">Replay failures, <see cref="GeneratedDownNothingToUndo"/>.</exception>
    public static async Task<IReadOnlyList<GeneratedDown>> WriteAsync(
        IReadOnlyList<DownTarget> targets, MigrationSet migrations, string server, RunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(migrations);
        var service = new SchemaDiffService(migrations, server, options);
        var scripts = new List<(DownTarget Target, SchemaScript Script)>();
        foreach (var target in targets)
        {
            var script = await service.GenerateRollbackAsync(target.Version, cancellationToken);
            if (script.IsEmpty)
            {
                throw new RunnerErrorException(new GeneratedDownNothingToUndo(target.Version, target.ClassName));
            }

            scripts.Add((target, script));
        }

        var written = new List<GeneratedDown>();
        foreach (var (target, script) in scripts)
        {
            var replayed = migrations.Entries.Count(m => m.Version < target.Version);
            Directory.CreateDirectory(Path.GetDirectoryName(target.DownScript)!);
            await File.WriteAllTextAsync(target.DownScript, Text(target, script, replayed), cancellationToken);
            var mark = script.RequiresNoTransaction ? await MarkAsync(target, cancellationToken) : NoTransactionMark.NotNeeded;
            written.Add(new GeneratedDown(target, replayed, script, mark));
        }

        return written;
    }

    private static bool IsBuilt(DownTarget target, MigrationSet migrations)
    {
        if (!migrations.Catalog.Migrations.TryGetValue(target.Version, out var migration))
        {
            return false;
        }

        if (target.UpScript is { } file)
        {
            try
            {
                var built = migrations.Catalog.Scripts.Read("Scripts." + Path.GetFileName(file));
                return Normalised(built) == Normalised(File.ReadAllText(file));
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        try
        {
            new ExpressionBuilder(migrations.Catalog).Generate(migration.Create(), up: true, SqlProcessor.Collecting());
            return true;
        }
        catch (SchemaQuestionWithoutConnectionException)
        {
            return true;
        }
        catch (Exception e) when (e is NotImplementedException || e.InnerException is NotImplementedException)
        {
            return false;
        }
    }

    private static string Text(DownTarget target, SchemaScript script, int replayed)
    {
        var body = script.Sql;
        var command = $"'new --write-down {target.Version}'";
        var header = new List<string>
        {
            DownTargets.GeneratedFirstLine(target.ClassName, target.Version, body),
            $"-- The SQL that turns the schema after {target.ClassName}'s Up back into the schema before it, both read from a",
            $"-- scratch database where the {replayed} migration{(replayed == 1 ? "" : "s")} before {target.Version} ran, then "
                + $"{target.Version} (Migrations.Runner/Schema/Generation).",
            "-- Review it: it cannot bring back data the Up changed or deleted. After changing the Up, rebuild and run",
            $"-- {command} again.",
        };
        header.AddRange(script.Warnings.Select(w => "-- warning: " + w.Replace('\r', ' ').Replace('\n', ' ')));
        if (script.RequiresNoTransaction)
        {
            header.Add($"-- Runs statement by statement ({target.ClassName} is TransactionBehavior.None): a statement below");
            header.Add("-- must commit before the next one uses it.");
        }

        return string.Join("\n", header) + "\n\n" + body;
    }

    // As DriftMigrationWriter marks its class: the scaffolder's [Migration(V, "...")] gains TransactionBehavior.None.
    private static async Task<NoTransactionMark> MarkAsync(DownTarget target, CancellationToken cancellationToken)
    {
        var source = await File.ReadAllTextAsync(target.ClassFile, cancellationToken);
        var attribute = new Regex($@"\[Migration\(\s*{target.Version}\s*(?=[,)])[^\]]*\]", RegexOptions.None, TimeSpan.FromSeconds(1));
        var match = attribute.Match(source);
        if (!match.Success)
        {
            return NoTransactionMark.NotFound;
        }

        if (match.Value.Contains("TransactionBehavior.None", StringComparison.Ordinal))
        {
            return NoTransactionMark.Already;
        }

        var marked = match.Value.Replace(
            $"[Migration({target.Version}", $"[Migration({target.Version}, TransactionBehavior.None", StringComparison.Ordinal);
        if (marked == match.Value)
        {
            return NoTransactionMark.NotFound;
        }

        var edited = source[..match.Index] + marked + source[(match.Index + match.Length)..];
        await File.WriteAllTextAsync(target.ClassFile, edited, cancellationToken);
        return NoTransactionMark.Marked;
    }

    private static string Normalised(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
}
