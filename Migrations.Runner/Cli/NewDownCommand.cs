#if DEVELOPMENT_TOOLS
using System.CommandLine;
using System.Globalization;
using Migrations.Runner.Development;

namespace Migrations.Runner.Cli;

/// <summary>
/// <c>new "Title" --generate-down</c> leaves a migration's Down to generate; <c>new --write-down [V]</c> generates it
/// from the schema once its Up is written, as <c>dotnet ef migrations add</c> writes a Down for the developer.
/// </summary>
internal static class NewDownCommand
{
    private const string Placeholder = "new --generate-down's placeholder";

    /// <summary>The options this adds to <c>new</c>, and how to read them.</summary>
    internal sealed record Options(Option<bool> GenerateDown, Option<long?> WriteDown)
    {
        public bool Requested(ParseResult parse) => parse.GetResult(WriteDown) is not null;

        public long? Version(ParseResult parse) => parse.GetValue(WriteDown);
    }

    public static Options AddOptions(Command command)
    {
        var generateDown = new Option<bool>("--generate-down")
        {
            Description = "Leave Down to generate: its Scripts/M....down.sql is a placeholder until 'new --write-down V' writes it "
                + "from the schema before and after Up",
        };
        var writeDown = new Option<long?>("--write-down")
        {
            Description = "Write the Down of migration V (default: every one still left to generate) from the schemas before and "
                + "after its Up, replayed on a scratch database created on the connection's server and dropped",
            Arity = ArgumentArity.ZeroOrOne,
        }.ParsesOptional(Numbers.Version);
        command.Options.Add(generateDown);
        command.Options.Add(writeDown);
        return new Options(generateDown, writeDown);
    }

    /// <summary>
    /// What goes together, checked when the verb runs rather than by the parser: configuration may set any option of any
    /// verb (Cli/OptionConfiguration.cs), and a parse that fails over a pairing would refuse them all.
    /// </summary>
    /// <exception cref="Errors.RunnerErrorException">A usage error: a title with --write-down, or neither.</exception>
    public static void RequireConsistent(
        ParseResult parse, Options down, Argument<string?> title, Option<bool> sql)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(down);
        var writing = down.Requested(parse);
        var problem = writing && (parse.GetValue(title) is not null || parse.GetValue(sql) || parse.GetValue(down.GenerateDown))
            ? "--write-down writes into a migration that exists: it takes no title, --sql or --generate-down"
            : !writing && parse.GetValue(title) is null
                ? "Required argument missing for command: 'new' (a title, or --write-down V)"
                : null;
        if (problem is not null)
        {
            throw new Errors.RunnerErrorException(new CliError(problem, "run 'new --help' to see its options", ExitCodes.Usage));
        }
    }

    public static string AfterScaffold(ScaffoldResult result, bool sql)
    {
        ArgumentNullException.ThrowIfNull(result);
        var up = sql ? $"Scripts/{result.ClassName}.up.sql" : $"Up() of {result.ClassName}";
        return $"next: write {up}, then run 'new --write-down {result.Version}' with dotnet run --project Migrations.Runner, "
            + "which rebuilds the migrations with your Up first; it writes the Down from the schema";
    }

    public static async Task<int> RunAsync(Invocation run, string folder, long? version, CancellationToken ct)
    {
        var targets = DownTargets.Find(folder, version);
        if (targets.Count == 0)
        {
            run.SetResult(new { Written = Array.Empty<object>() });
            run.Out.WriteLine($"No migration's down is left to generate ({Placeholder}) in {Relative(run, folder)}; nothing written.");
            return ExitCodes.Success;
        }

        GeneratedDownWriter.RequireBuilt(targets, run.Migrations);
        var server = await run.ConnectionStringAsync(ct);
        var written = await GeneratedDownWriter.WriteAsync(targets, run.Migrations, server, run.RunOptions(), ct);
        foreach (var down in written)
        {
            var target = down.Target;
            run.Out.WriteLine($"wrote {Relative(run, target.DownScript)}: {Report.Plural(down.Script.Statements.Count, "statement")}, "
                + $"from the schemas before and after {target.Version} {target.ClassName}'s Up");
            foreach (var warning in down.Script.Warnings)
            {
                run.Error($"warning: {target.ClassName}: {warning}");
            }

            switch (down.Transaction)
            {
                case NoTransactionMark.Marked:
                    run.Out.WriteLine($"marked {Relative(run, target.ClassFile)} TransactionBehavior.None: a statement of its down must "
                        + "commit before the next uses it; its Up now runs statement by statement too");
                    break;
                case NoTransactionMark.NotFound:
                    run.Error($"warning: {target.ClassName}: a statement of its down must run outside a transaction; declare the class "
                        + "[Migration(V, TransactionBehavior.None, ...)]");
                    break;
            }
        }

        run.SetResult(new
        {
            Written = written.Select(d => new
            {
                d.Target.Version,
                d.Target.ClassName,
                File = Relative(run, d.Target.DownScript),
                Statements = d.Script.Statements.Count,
                d.Script.IsDestructive,
                d.Script.RequiresNoTransaction,
                Transaction = d.Transaction.ToString(),
                d.Script.Warnings,
            }),
        });
        var first = written[0].Target.Version.ToString(CultureInfo.InvariantCulture);
        run.Error($"next: review {(written.Count == 1 ? Relative(run, written[0].Target.DownScript) : "the written scripts")} "
            + "(the -- destructive: lines, the warnings), then rebuild and prove the round trip: "
            + $"dotnet run --project Migrations.Runner -- verify --from {first} (dotnet run rebuilds the migrations with it)");
        return ExitCodes.Success;
    }

    private static string Relative(Invocation run, string path) => Path.GetRelativePath(run.Console.WorkingDirectory, path);
}
#endif
