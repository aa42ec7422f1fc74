using Migrations.Runner.Analysis;
using Migrations.Runner.Catalog;

namespace Migrations.Runner.Errors;

// Plan: measuring pending migrations on a scratch database, and up's check of them.

/// <summary>A pending migration failed on the scratch database while it was measured; the target was not touched.</summary>
public sealed record PlanMigrationFailed(MigrationEntry Migration, SqlFailure? Sql, string Reason) : RunnerError;

/// <summary>One finding that reached the threshold, with its migration.</summary>
public sealed record RiskyFinding(MigrationEntry Migration, PlanFinding Finding);

/// <summary>Up refused, outside the local environments, to apply migrations whose findings reach the threshold.</summary>
public sealed record RiskyMigrationsRefused(string Environment, IReadOnlyList<RiskyFinding> Findings) : RunnerError;

/// <summary>Up's check could not run outside the local environments: no scratch database could be created.</summary>
public sealed record UpCheckImpossible(string Environment, ScratchDatabaseRefused Cause) : RunnerError;
