namespace Migrations.Runner.Errors;

// Verification: the rollback round trip of the verify verb.

/// <summary>No migration lies between <see cref="From"/> and <see cref="To"/> (either may be open).</summary>
public sealed record RoundTripRangeEmpty(long? From, long? To) : RunnerError;
