using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Schema;

namespace Migrations.Runner.Verification;

/// <summary>Which part of a version's round trip failed.</summary>
public enum RoundTripCheck
{
    /// <summary>Its first Up threw: nothing after it can be checked.</summary>
    UpFailed,

    /// <summary>Its Down threw.</summary>
    DownFailed,

    /// <summary>Its Down ran but left a schema other than the one before its Up.</summary>
    DownDiffers,

    /// <summary>With seeded rows, its Down lost rows of a table its Up did not change.</summary>
    DownLosesRows,

    /// <summary>Its Up, run again after its Down, threw.</summary>
    UpAgainFailed,

    /// <summary>Its Up, run again after its Down, gave a schema other than its first Up.</summary>
    UpAgainDiffers,

    /// <summary>Its Down threw because it is still <c>new --generate-down</c>'s placeholder (<see cref="PlaceholderDown"/>).</summary>
    DownLeftToGenerate,
}

/// <summary>One version that failed its round trip: how, with the differences found or the error met.</summary>
/// <param name="Migration">The version.</param>
/// <param name="Check">What failed.</param>
/// <param name="Differences">Expected: the schema the step should have left; actual: what it left.</param>
/// <param name="Error">The failure, for the checks that threw.</param>
public sealed record RoundTripFailure(
    MigrationEntry Migration, RoundTripCheck Check, IReadOnlyList<SchemaDifference> Differences, MigrationFailed? Error)
{
    /// <summary>For <see cref="RoundTripCheck.DownLosesRows"/>: each table that lost rows.</summary>
    public IReadOnlyList<RowsLost> LostRows { get; init; } = [];
}

/// <summary>A table that kept <paramref name="Kept"/> of the <paramref name="Seeded"/> rows seeded before a Down.</summary>
public sealed record RowsLost(string Table, long Seeded, long Kept);

/// <summary>What a round trip over a range of versions found.</summary>
/// <param name="Checked">The versions whose round trip ran, passed or failed, in order.</param>
/// <param name="Failures">Every version that failed, in order.</param>
/// <param name="NotChecked">Versions of the range after a first Up that failed: they cannot run without it.</param>
/// <param name="Incremental">Whether fingerprints followed only what each migration touched (event triggers), not the whole schema.</param>
/// <param name="Elapsed">The whole run, scratch databases included.</param>
public sealed record RoundTripReport(
    IReadOnlyList<MigrationEntry> Checked,
    IReadOnlyList<RoundTripFailure> Failures,
    IReadOnlyList<MigrationEntry> NotChecked,
    bool Incremental,
    TimeSpan Elapsed)
{
    public bool Passed => Failures.Count == 0 && NotChecked.Count == 0;

    /// <summary>With seeded rows: the tables the generator could not fill, each with the last reason.</summary>
    public IReadOnlyDictionary<string, string> Unseeded { get; init; } = new Dictionary<string, string>();
}
