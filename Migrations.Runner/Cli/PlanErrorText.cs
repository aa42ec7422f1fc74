using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>The wording of plan's errors, and of up's refusal of the migrations plan finds risky.</summary>
internal static class PlanErrorText
{
    /// <summary>The message for a plan error; null when the error is not plan's.</summary>
    internal static ErrorMessage? TryDescribe(RunnerError error) => error switch
    {
        PlanMigrationFailed e => new(
            $"migration {e.Migration.Version} {e.Migration.Name} failed on the scratch database while it was measured: "
            + (e.Sql is { } sql ? $"{sql.SqlState} {sql.MessageText}" : e.Reason),
            "fix the migration: up would fail on it too; the target database was not touched and the scratch database was dropped",
            ExitCodes.Failure,
            e.Sql is { Detail: { } detail } ? [detail] : []),
        RiskyMigrationsRefused e => new(
            $"refusing to migrate in the {e.Environment} environment: {Report.Plural(e.Findings.Count, "finding")} of 'plan' "
            + "reach the threshold, and nothing was applied",
            "make the migration safe (each line says how), or mark its class [Reviewed(\"why the risk is accepted\")] "
            + "(Migrations.Authoring), or rerun with --allow-risky; 'plan' shows the whole report",
            ExitCodes.Failure,
            [.. e.Findings.Select(f =>
                $"{f.Migration.Version} {f.Migration.Name}: {PlanThresholds.Names[f.Finding.Kind]}"
                + (f.Finding.Table is { } table ? $" of {table} ({PlanText.Size(f.Finding.Size)})" : "")
                + (f.Finding.Detail is { } detail ? $", {detail}" : "")
                + $"; blocks {PlanText.Blocks(f.Finding.Blocks)} under {PlanText.Mode(f.Finding.Lock)}")]),
        UpCheckImpossible e => new(
            $"cannot check the pending migrations before migrating in the {e.Environment} environment: no scratch database "
            + $"on {e.Cause.Host}:{e.Cause.Port} ({e.Cause.SqlState} {e.Cause.Message}); nothing was applied",
            "grant CREATEDB to the runner's role (the check measures the migrations on a scratch database it drops), or run "
            + "'plan --shadow-connection CS' on a server where it may, then up with --allow-risky"),
        _ => null,
    };
}
