using System.CommandLine;
using Migrations.Runner.Analysis;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

internal static class PlanCommand
{
    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var target = CommonOptions.Target("Plan up to and including this version (default: all pending)");
        var outOfOrder = new Option<bool>("--out-of-order") { Description = "Plan 'up --out-of-order'" };
        var markdown = new Option<bool>("--markdown") { Description = "Markdown on stdout, for a pull-request comment" };
        var failOn = FailOn();
        var command = new Command(
            "plan",
            "Measure what each pending migration will lock, rewrite and scan, on a scratch database with this database's schema, "
            + $"sized by this database's tables (no row read); exit {ExitCodes.CheckFailed} when a finding reaches --fail-on. "
            + "Example: plan --fail-on rewrite --fail-on access-exclusive:100k --markdown")
        {
            target, outOfOrder, options.Json, markdown, failOn, options.ShadowConnection, options.DatabaseLockTimeout,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(options.Json) && r.GetValue(markdown))
            {
                r.AddError("--json and --markdown cannot be combined");
            }
        });
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            var rules = run.Parse.GetValue(failOn) ?? [];
            var report = await new PlanService(run.Migrations, connection, run.RunOptions())
                .PlanAsync(new PlanRequest(run.Parse.GetValue(target), run.Parse.GetValue(outOfOrder)), run.ShadowConnection, ct);
            bool Reaches(MigrationPlan plan, PlanFinding finding) => plan.Reviewed is null && rules.Any(r => r.Matches(finding));
            var failed = report.Migrations.Any(m => m.Findings.Any(f => Reaches(m, f)));
            if (run.Parse.GetValue(options.Json))
            {
                run.Out.WriteLine(Json(report, rules, failed, Reaches));
            }
            else if (run.Parse.GetValue(markdown))
            {
                PlanText.PrintMarkdown(run.Out, report, Reaches);
            }
            else
            {
                PlanText.Print(run.Out, report, Reaches);
                if (failed)
                {
                    run.Out.WriteLine();
                    run.Out.WriteLine($"Findings marked ! reach --fail-on ({string.Join("; ", rules.Select(PlanThresholds.Describe))}).");
                }
            }

            return failed ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>--fail-on WHAT[:SIZE]</c>, repeatable: for plan, what makes it exit 3; for up, what it refuses.</summary>
    public static Option<FailOnRule[]> FailOn(string? forVerb = null)
    {
        var option = new Option<FailOnRule[]>("--fail-on")
        {
            Description = (forVerb is null ? $"Exit {ExitCodes.CheckFailed} when a finding reaches this threshold, "
                    : "Outside Development, refuse migrations with a finding that reaches this threshold (default: risky), ")
                + $"{PlanThresholds.Syntax} (repeatable). WHAT: {PlanThresholds.Known}. SIZE: rows (50000, 200k, 1M) or bytes "
                + "(512kB, 100MB, 1GB) the table must exceed on this database; without it, any table with rows",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r =>
            {
                var rules = new List<FailOnRule>();
                foreach (var token in r.Tokens)
                {
                    var (rule, error) = PlanThresholds.Parse(token.Value);
                    if (rule is null)
                    {
                        r.AddError(error!);
                    }
                    else
                    {
                        rules.Add(rule);
                    }
                }

                return [.. rules];
            },
        };
        return option;
    }

    /// <summary>
    /// What up runs first outside the local environments: the same plan, refused when a migration without
    /// <c>[Reviewed]</c> has a finding that reaches <paramref name="rules"/> (up's own default when empty).
    /// </summary>
    public static async Task CheckBeforeUpAsync(
        Invocation run, string connection, PlanRequest request, FailOnRule[]? rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        IReadOnlyList<FailOnRule> thresholds = rules is { Length: > 0 } ? rules : FailOnRule.DefaultForUp;
        var options = run.RunOptions();
        PlanReport report;
        try
        {
            report = await new PlanService(run.Migrations, connection, options).PlanAsync(request, cancellationToken: ct);
        }
        catch (RunnerErrorException e) when (e.Error is ScratchDatabaseRefused refused)
        {
            throw new RunnerErrorException(new UpCheckImpossible(run.Settings.Environment, refused), e);
        }

        var risky = report.Migrations
            .Where(m => m.Reviewed is null)
            .SelectMany(m => m.Findings.Where(f => thresholds.Any(r => r.Matches(f))).Select(f => new RiskyFinding(m.Migration, f)))
            .ToList();
        if (risky.Count > 0)
        {
            throw new RunnerErrorException(new RiskyMigrationsRefused(run.Settings.Environment, risky));
        }
    }

    private static string Json(PlanReport report, FailOnRule[] rules, bool failed, Func<MigrationPlan, PlanFinding, bool> reaches) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            report.Database,
            report.Replayed,
            SessionLockTimeoutSeconds = report.SessionLockTimeout.TotalSeconds,
            FailOn = rules.Select(PlanThresholds.Describe),
            Failed = failed,
            Migrations = report.Migrations.Select(m => new
            {
                m.Migration.Version,
                m.Migration.Name,
                m.Migration.Description,
                m.InTransaction,
                m.Reviewed,
                Locks = m.Locks.Select(l => new { l.Table, l.Mode, l.Blocks, l.Size?.Rows, l.Size?.Bytes }),
                m.Indexes,
                Findings = m.Findings.Select(f => new
                {
                    Kind = PlanThresholds.Names[f.Kind],
                    f.Table,
                    f.Detail,
                    f.Lock,
                    f.Blocks,
                    f.Scales,
                    f.Measured,
                    f.Size?.Rows,
                    f.Size?.Bytes,
                    Risky = FailOnRule.IsRisky(f),
                    ReachesFailOn = reaches(m, f),
                    SaferWay = PlanText.Advice(f.Advice),
                }),
                m.Statements,
            }),
        }, Report.Json);
}
