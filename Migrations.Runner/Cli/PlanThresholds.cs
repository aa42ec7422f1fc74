using System.Globalization;
using Migrations.Runner.Analysis;

namespace Migrations.Runner.Cli;

/// <summary>
/// The syntax of <c>--fail-on</c>: <c>WHAT[:SIZE]</c>. WHAT is a finding's name (<see cref="Names"/>) or a group:
/// <c>any</c>, <c>risky</c>, <c>blocks-writes</c>, <c>blocks-reads</c>, <c>access-exclusive</c>. Without SIZE, a
/// table with rows on the target (or a finding about no table); with SIZE, a table over that many rows (<c>50000</c>,
/// <c>200k</c>, <c>1M</c>, <c>2G</c>) or bytes (<c>512kB</c>, <c>100MB</c>, <c>1GB</c>, powers of 1024).
/// </summary>
internal static class PlanThresholds
{
    public const string Syntax = "WHAT[:SIZE]";

    /// <summary>Each finding's name on the command line, in JSON and in the report.</summary>
    public static IReadOnlyDictionary<FindingKind, string> Names { get; } = new Dictionary<FindingKind, string>
    {
        [FindingKind.Rewrite] = "rewrite",
        [FindingKind.TypeChange] = "type-change",
        [FindingKind.IndexBuilt] = "index",
        [FindingKind.CheckValidated] = "check",
        [FindingKind.ForeignKeyValidated] = "foreign-key",
        [FindingKind.NotNullSet] = "not-null",
        [FindingKind.EnumChanged] = "enum",
        [FindingKind.IndexDropped] = "drop-index",
        [FindingKind.NoLockTimeout] = "no-lock-timeout",
        [FindingKind.VacuumFull] = "vacuum-full",
        [FindingKind.Cluster] = "cluster",
        [FindingKind.Reindex] = "reindex",
        [FindingKind.DropTable] = "drop-table",
        [FindingKind.DropColumn] = "drop-column",
        [FindingKind.Truncate] = "truncate",
    };

    private static readonly Dictionary<string, FailOnSubject> Groups = new(StringComparer.OrdinalIgnoreCase)
    {
        ["any"] = FailOnSubject.Any,
        ["risky"] = FailOnSubject.Risky,
        ["blocks-writes"] = FailOnSubject.BlocksWrites,
        ["blocks-reads"] = FailOnSubject.BlocksReads,
        ["access-exclusive"] = FailOnSubject.AccessExclusive,
    };

    public static string Known => string.Join(", ", Groups.Keys.Concat(Names.Values));

    /// <summary>The rule <paramref name="text"/> names, or the reason it names none.</summary>
    public static (FailOnRule? Rule, string? Error) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 2);
        var what = parts[0].Trim();
        FailOnRule rule;
        if (Groups.TryGetValue(what, out var group))
        {
            rule = new FailOnRule(group);
        }
        else if (Names.FirstOrDefault(n => string.Equals(n.Value, what, StringComparison.OrdinalIgnoreCase)) is { Value: not null } kind)
        {
            rule = new FailOnRule(FailOnSubject.Kind, kind.Key);
        }
        else
        {
            return (null, $"--fail-on '{text}': '{what}' is not a finding (one of: {Known})");
        }

        if (parts.Length == 1)
        {
            return (rule, null);
        }

        return Size(parts[1].Trim()) switch
        {
            ({ } rows, null) => (rule with { MinRows = rows }, null),
            (null, { } bytes) => (rule with { MinBytes = bytes }, null),
            _ => (null, $"--fail-on '{text}': '{parts[1]}' is not a size (rows: 50000, 200k, 1M; bytes: 512kB, 100MB, 1GB)"),
        };
    }

    /// <summary>The rule as written: the name of what it picks, and its size.</summary>
    public static string Describe(FailOnRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var what = rule.Kind is { } kind ? Names[kind] : Groups.First(g => g.Value == rule.Subject).Key;
        return rule switch
        {
            { MinRows: { } rows } => $"{what} on tables over {Rows(rows)} rows",
            { MinBytes: { } bytes } => $"{what} on tables over {Bytes(bytes)}",
            _ => $"{what} on tables with rows",
        };
    }

    public static string Rows(long rows) => rows.ToString("#,0", CultureInfo.InvariantCulture).Replace(',', ' ');

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{(bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture)} GB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture)} MB",
        >= 1L << 10 => $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} kB",
        _ => $"{bytes} B",
    };

    private static (long? Rows, long? Bytes) Size(string text)
    {
        var digits = new string([.. text.TakeWhile(char.IsDigit)]);
        if (digits.Length == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return (null, null);
        }

        return text[digits.Length..] switch
        {
            "" => (amount, null),
            "k" or "K" => (amount * 1_000, null),
            "M" => (amount * 1_000_000, null),
            "G" => (amount * 1_000_000_000, null),
            "B" => (null, amount),
            "kB" or "KB" => (null, amount << 10),
            "MB" => (null, amount << 20),
            "GB" => (null, amount << 30),
            _ => (null, null),
        };
    }
}
