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
        var reason = e.Sql is { } sql ? $"{sql.SqlState} {sql.MessageText}" : e.Reason;
        var where = e.Location is null ? "" : $" ({e.Location.File})";
        var done = e.DoneBefore == 1 ? "the 1 migration before it stays" : $"the {e.DoneBefore} migrations before it stay";
        var outcome = m.Transactional
            ? "its transaction was rolled back: the schema and VersionInfo are as before it"
              + (e.DoneBefore > 0 ? $"; {done} {(e.Up ? "applied" : "reverted")}" : "")
            : "it ran without a transaction, so statements before the failing one stay applied and VersionInfo does not record it";
        var advice = m.Transactional
            ? $"fix the migration (or the data it trips on), then run {(e.Up ? "up" : "the rollback")} again"
            : "make its statements idempotent (IF NOT EXISTS) or undo the partial change, drop any INVALID index it left "
              + "(the 'validate' verb lists them), then run again";
        return new ErrorMessage(
            $"{verb} {m.Version} {m.Name}{where} failed: {reason}", advice, ExitCodes.Failure, [.. Details(e), outcome]);
    }

    private static IEnumerable<string> Details(MigrationFailed e)
    {
        if (e.Location is { } location)
        {
            yield return $"at {location.File} line {location.Line}, column {location.Column}";
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
