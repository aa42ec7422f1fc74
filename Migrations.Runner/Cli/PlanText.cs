using System.Globalization;
using Migrations.Runner.Analysis;

namespace Migrations.Runner.Cli;

/// <summary>How a plan reads: a table per migration as text or Markdown, each finding's wording and its safer way.</summary>
internal static class PlanText
{
    public static string Blocks(Blocks blocks) => blocks switch
    {
        Analysis.Blocks.ReadsAndWrites => "reads+writes",
        Analysis.Blocks.Writes => "writes",
        _ => "nothing",
    };

    public static string Scales(Scales scales) => scales switch
    {
        Analysis.Scales.Rows => "rows (scan)",
        Analysis.Scales.Bytes => "bytes (write)",
        _ => "constant",
    };

    /// <summary>PostgreSQL's name of a lock mode as its documentation spells it: AccessExclusiveLock as ACCESS EXCLUSIVE.</summary>
    public static string Mode(string? mode) => mode is null
        ? "(not measured)"
        : string.Concat(mode.Replace("Lock", "", StringComparison.Ordinal)
            .Select((c, i) => char.IsUpper(c) && i > 0 ? " " + c : c.ToString())).ToUpperInvariant();

    public static string Advice(SafeRewrite advice) => advice switch
    {
        SafeRewrite.AddNullableThenBackfill =>
            "add the column nullable without a volatile default, backfill in batches, then set the default",
        SafeRewrite.NewColumnThenSwap => "add a column of the new type, backfill it in batches, switch readers, then drop the old one",
        SafeRewrite.CreateIndexConcurrently => "CREATE INDEX CONCURRENTLY in a migration without a transaction",
        SafeRewrite.NotValidThenValidate => "ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a migration of its own",
        SafeRewrite.CheckNotNullThenSetNotNull =>
            "ADD CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in its own migration, then SET NOT NULL (no scan) and drop the check",
        SafeRewrite.DropIndexConcurrently => "DROP INDEX CONCURRENTLY in a migration without a transaction",
        SafeRewrite.LockTimeoutWithRetries => "SET LOCAL lock_timeout = '5s' (or keep --db-lock-timeout) and run up with --lock-retries",
        SafeRewrite.RepackOnline => "pg_repack (or pg_squeeze) rebuilds the table online; VACUUM without FULL does not lock it",
        SafeRewrite.ReindexConcurrently => "REINDEX ... CONCURRENTLY in a migration without a transaction",
        SafeRewrite.StopUsingFirst => "deploy code that no longer uses it first; drop it in a later migration",
        SafeRewrite.DeleteInBatches => "DELETE in batches if others read the table meanwhile; TRUNCATE only what nobody uses",
        SafeRewrite.OwnMigrationAfterDeploy => "add values in a migration of their own, before the code that writes them is deployed",
        _ => "",
    };

    public static string Size(RelationSize? size) =>
        size is null ? "new" : $"{PlanThresholds.Rows(size.Rows)} rows, {PlanThresholds.Bytes(size.Bytes)}";

    public static void Print(TextWriter output, PlanReport report, Func<MigrationPlan, PlanFinding, bool> reaches)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine(Heading(report));
        foreach (var plan in report.Migrations)
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{plan.Migration.Version,6}  {Title(plan)}  ({How(plan)})"));
            if (plan.Reviewed is { } reason)
            {
                output.WriteLine($"        reviewed: {reason}");
            }

            foreach (var held in plan.Locks)
            {
                output.WriteLine($"        lock  {held.Table}  {Mode(held.Mode)} (blocks {Blocks(held.Blocks)}; {Size(held.Size)})");
            }

            foreach (var index in plan.Indexes.Where(i => i.Concurrently))
            {
                output.WriteLine($"        index {index.Index} on {index.Table} built concurrently (writes go on)");
            }

            if (plan.Findings.Count == 0)
            {
                output.WriteLine("        no findings");
                continue;
            }

            output.WriteLine($"        {"finding",-16} {"table",-28} {"lock",-24} {"blocks",-13} {"grows with",-14} size");
            foreach (var finding in plan.Findings)
            {
                var mark = reaches(plan, finding) ? "! " : "  ";
                output.WriteLine(
                    $"      {mark}{PlanThresholds.Names[finding.Kind],-16} {finding.Table ?? "-",-28} {Mode(finding.Lock),-24} "
                    + $"{Blocks(finding.Blocks),-13} {Scales(finding.Scales),-14} {(finding.Table is null ? "-" : Size(finding.Size))}");
                if (finding.Detail is { } detail)
                {
                    output.WriteLine($"          {detail}");
                }

                if (finding.Advice != SafeRewrite.None)
                {
                    output.WriteLine($"          safer: {Advice(finding.Advice)}");
                }
            }
        }
    }

    public static void PrintMarkdown(TextWriter output, PlanReport report, Func<MigrationPlan, PlanFinding, bool> reaches)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine("## Migration plan");
        output.WriteLine();
        output.WriteLine(Heading(report));
        foreach (var plan in report.Migrations)
        {
            output.WriteLine();
            output.WriteLine($"### {plan.Migration.Version} {Cell(Title(plan))}");
            output.WriteLine();
            output.WriteLine($"{How(plan)}{(plan.Reviewed is { } reason ? $"; reviewed: {Cell(reason)}" : "")}.");
            if (plan.Locks.Count > 0)
            {
                output.WriteLine();
                var locks = plan.Locks.Select(l => $"`{l.Table}` {Mode(l.Mode)} ({Size(l.Size)})");
                output.WriteLine("Locks: " + string.Join(", ", locks) + ".");
            }

            output.WriteLine();
            if (plan.Findings.Count == 0)
            {
                output.WriteLine("No findings.");
                continue;
            }

            output.WriteLine("| | finding | table | lock | blocks | grows with | size | safer way |");
            output.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var f in plan.Findings)
            {
                var detail = f.Detail is null ? "" : $" ({Cell(f.Detail)})";
                var size = f.Table is null ? "-" : Size(f.Size);
                var mark = reaches(plan, f) ? "**fails**" : "";
                output.WriteLine($"| {mark} | {PlanThresholds.Names[f.Kind]}{detail} | {Cell(f.Table ?? "-")} | "
                    + $"{Mode(f.Lock)} | {Blocks(f.Blocks)} | {Scales(f.Scales)} | {size} | {Cell(Advice(f.Advice))} |");
            }
        }
    }

    private static string Heading(PlanReport report)
    {
        var replayed = report.Replayed.Count == 0 ? "none applied" : $"{report.Replayed.Count} applied replayed";
        var timeout = report.SessionLockTimeout == TimeSpan.Zero
            ? "none"
            : $"{report.SessionLockTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        return report.Migrations.Count == 0
            ? $"Nothing pending on {report.Database}."
            : $"Plan for {report.Database}: {Report.Plural(report.Migrations.Count, "pending migration")}, measured on a scratch database "
              + $"({replayed}); sizes from {report.Database}; session lock_timeout {timeout}.";
    }

    private static string Title(MigrationPlan plan) => plan.Migration.Description == plan.Migration.Name
        ? plan.Migration.Name
        : $"{plan.Migration.Name}: {plan.Migration.Description.ReplaceLineEndings(" ")}";

    private static string How(MigrationPlan plan) =>
        plan.InTransaction ? "in a transaction" : "without a transaction: run statement by statement, locks not measured";

    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
