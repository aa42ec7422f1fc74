using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>
/// A failed migration as golang-migrate words it, and better: which, SQLSTATE and message, where, what it left, what next.
/// </summary>
internal static class MigrationFailure
{
    public static ErrorMessage Describe(MigrationFailed e)
    {
        var m = e.Migration;
        var verb = e.Up ? "migration" : "rollback of migration";
        var reason = e.Mode switch
        {
            MigrationMode.EndedRunnersTransaction =>
                "it ended the runner's transaction itself (COMMIT or ROLLBACK from C# against the connection)",
            MigrationMode.LeftTransactionOpen => "its SQL begins a transaction it does not end (BEGIN without COMMIT)",
            _ => e.Sql is { } sql ? $"{sql.SqlState} {sql.MessageText}" : e.Reason,
        };
        var where = e.Location?.File is { } file ? $" ({file})" : "";
        var done = e.DoneBefore == 1 ? "the 1 migration before it stays" : $"the {e.DoneBefore} migrations before it stay";
        var before = e.DoneBefore > 0 ? $"; {done} {(e.Up ? "applied" : "reverted")}" : "";
        var again = $"then run {(e.Up ? "up" : "the rollback")} again";
        var (outcome, advice) = e.Mode switch
        {
            MigrationMode.Transaction => (
                "its transaction was rolled back: the schema and VersionInfo are as before it" + before,
                Timeout(e.Sql) ?? $"fix the migration (or the data it trips on), {again}"),
            MigrationMode.NoTransaction => (
                "it ran without a transaction, so statements before the failing one stay applied and VersionInfo does not record it",
                Timeout(e.Sql) ?? "make its statements idempotent (IF NOT EXISTS) or undo the partial change, drop any INVALID "
                + "index it left (the 'validate' verb lists them), then run again"),
            MigrationMode.OwnTransactions => (
                "its SQL has its own BEGIN/COMMIT, so it ran as psql runs it, statement by statement: what it committed before "
                + "the failing statement stays applied, the transaction open at the failure was rolled back, and VersionInfo does "
                + "not record it",
                $"undo what it committed or make it idempotent, {again}; or take out its BEGIN/COMMIT so that the runner's "
                + "transaction holds it"),
            MigrationMode.EndedRunnersTransaction => (
                "what it committed stays applied, the rest was rolled back, and VersionInfo does not record it",
                "do not commit or roll back in Execute.WithConnection (the runner's transaction holds the migration), or declare it "
                + $"TransactionBehavior.None; undo what it committed, {again}"),
            _ => (
                "the transaction it left open was rolled back, as psql's session would roll it back at the end of the file; "
                + "what it committed before stays applied, and VersionInfo does not record it",
                $"end the transaction it begins with COMMIT, {again}"),
        };
        return new ErrorMessage(
            $"{verb} {m.Version} {m.Name}{where} failed: {reason}", advice, ExitCodes.Failure, [.. Details(e), outcome]);
    }

    // 57014 and 55P03 also mean a cancel by hand and NOWAIT; only PostgreSQL's wording tells the session's timeouts apart.
    private static string? Timeout(SqlFailure? sql) => sql switch
    {
        { SqlState: "57014" } when sql.MessageText.Contains("statement timeout", StringComparison.Ordinal) =>
            "a statement ran longer than the session's statement_timeout: raise --db-statement-timeout (seconds; 0 for none), "
            + "or let the migration set its own with SET LOCAL statement_timeout; then run again",
        { SqlState: "55P03" } when sql.MessageText.Contains("lock timeout", StringComparison.Ordinal) =>
            "a statement waited longer than the session's lock_timeout for a lock another session holds: find it in "
            + "pg_stat_activity and run again once it is done (or with --lock-retries N), raise --db-lock-timeout (seconds; 0 for none), "
            + "or let the migration set its own with SET LOCAL lock_timeout",
        _ => null,
    };

    private static IEnumerable<string> Details(MigrationFailed e)
    {
        if (e.Location is { File: { } file } location)
        {
            yield return $"at {file} line {location.Line}, column {location.Column}";
        }
        else if (e.Location is { Statement: { } inline } at)
        {
            var firstLine = inline.Trim().Split('\n')[0].Trim();
            yield return $"at line {at.Line}, column {at.Column} of its inline statement: "
                + (firstLine.Length > 100 ? firstLine[..100] + "..." : firstLine);
        }
        else if (e.Sql?.Statement is { } statement)
        {
            var firstLine = statement.Trim().Split('\n')[0].Trim();
            yield return $"in statement: {(firstLine.Length > 120 ? firstLine[..120] + "..." : firstLine)}";
        }

        if (e.Sql?.Detail is { } detail)
        {
            yield return "detail: " + detail;
        }

        if (e.Sql?.Hint is { } hint)
        {
            yield return "hint: " + hint;
        }

        if (e.Sql?.Where is { } where)
        {
            yield return "where: " + where.ReplaceLineEndings(" | ");
        }
    }
}
