namespace Migrations.Runner.Analysis;

/// <summary>What a <see cref="FailOnRule"/> picks among findings.</summary>
public enum FailOnSubject
{
    /// <summary>Findings of one <see cref="FindingKind"/>.</summary>
    Kind,

    /// <summary>Every finding.</summary>
    Any,

    /// <summary>Findings that block reads or writes while work scales with the table, or that lose data (the default for up).</summary>
    Risky,

    /// <summary>Findings that block writes (or reads and writes).</summary>
    BlocksWrites,

    /// <summary>Findings that block reads (and so writes).</summary>
    BlocksReads,

    /// <summary>Findings measured under ACCESS EXCLUSIVE, or known to need it when not measured.</summary>
    AccessExclusive,
}

/// <summary>
/// A threshold: the findings it picks, on tables above a size. Without a size, any table with rows on the target (or
/// a finding that concerns no table); with one, tables over that many rows (<see cref="MinRows"/>) or bytes
/// (<see cref="MinBytes"/>).
/// </summary>
public sealed record FailOnRule(FailOnSubject Subject, FindingKind? Kind = null, long? MinRows = null, long? MinBytes = null)
{
    /// <summary>What up refuses outside Development when no threshold is given.</summary>
    public static IReadOnlyList<FailOnRule> DefaultForUp { get; } = [new(FailOnSubject.Risky)];

    public bool Matches(PlanFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var picked = Subject switch
        {
            FailOnSubject.Kind => finding.Kind == Kind,
            FailOnSubject.Any => true,
            FailOnSubject.Risky => IsRisky(finding),
            FailOnSubject.BlocksWrites => finding.Blocks != Blocks.Nothing,
            FailOnSubject.BlocksReads => finding.Blocks == Blocks.ReadsAndWrites,
            FailOnSubject.AccessExclusive => finding.Lock == LockModes.AccessExclusive
                || (finding.Lock is null && finding.Blocks == Blocks.ReadsAndWrites),
            _ => false,
        };
        if (!picked)
        {
            return false;
        }

        if (MinRows is null && MinBytes is null)
        {
            return finding.Table is null || !finding.OnEmptyTable;
        }

        return finding.Size is { } size
            && (MinRows is not { } rows || size.Rows > rows)
            && (MinBytes is not { } bytes || size.Bytes > bytes);
    }

    /// <summary>Holds a lock that blocks others while work grows with the table, or loses data, or waits without a limit.</summary>
    public static bool IsRisky(PlanFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return finding.Kind is FindingKind.DropTable or FindingKind.DropColumn or FindingKind.Truncate or FindingKind.NoLockTimeout
            || (finding.Blocks != Blocks.Nothing && finding.Scales != Scales.Constant);
    }
}
