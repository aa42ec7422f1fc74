namespace Migrations.Runner.Analysis;

/// <summary>PostgreSQL's table lock modes as pg_locks names them, weakest first, and what each keeps others from doing.</summary>
public static class LockModes
{
    public const string AccessExclusive = "AccessExclusiveLock";

    private static readonly string[] Order =
    [
        "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
        "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", AccessExclusive,
    ];

    /// <summary>0 for the weakest; -1 for a name PostgreSQL does not use for tables.</summary>
    public static int Rank(string mode) => Array.IndexOf(Order, mode);

    public static string Strongest(IEnumerable<string> modes) => modes.MaxBy(Rank) ?? Order[0];

    /// <summary>
    /// What plain queries meet: SHARE and stronger conflict with INSERT, UPDATE and DELETE (ROW EXCLUSIVE); only ACCESS
    /// EXCLUSIVE conflicts with SELECT (ACCESS SHARE). SHARE UPDATE EXCLUSIVE blocks only DDL, VACUUM and itself.
    /// </summary>
    public static Blocks BlocksOf(string mode) => Rank(mode) switch
    {
        7 => Blocks.ReadsAndWrites,
        >= 4 => Blocks.Writes,
        _ => Blocks.Nothing,
    };
}
