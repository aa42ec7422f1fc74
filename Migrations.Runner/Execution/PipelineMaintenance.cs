using FluentMigrator;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Execution;

/// <summary>The migrations without a version: [Maintenance] stages and [Profile]s, run on the pipeline's session.</summary>
internal sealed partial class Pipeline
{
    /// <summary>Runs the [Maintenance] migrations of a stage, as FluentMigrator's MigrateUp does: each in its own transaction.</summary>
    public void Maintain(MigrationStage stage) =>
        RunUnversioned(_catalog.Maintenance.GetValueOrDefault(stage, []), (m, reason) => new MaintenanceFailed(stage, m.Name, reason));

    /// <summary>Runs the [Profile] migrations asked for, as FluentMigrator's ApplyProfiles does: each Up in a transaction.</summary>
    public void ApplyProfiles() =>
        RunUnversioned(_catalog.Profiles, (m, reason) => new ProfileFailed(_catalog.Context.Selection.Profile ?? "", m.Name, reason));

    private void RunUnversioned(IEnumerable<MigrationDefinition> migrations, Func<MigrationDefinition, string, RunnerError> failed)
    {
        Drain();
        foreach (var migration in migrations)
        {
            try
            {
                Execute(migration.Transactional, () => _builder.Apply(migration.Create(), up: true, _processor), _ => { });
            }
            catch (Exception e) when (e is not (OutOfMemoryException or RunnerErrorException))
            {
                var pg = SqlErrorLocator.FindPostgresError(e);
                var reason = pg is null ? SqlErrorLocator.Flatten(e) : $"{pg.SqlState} {pg.MessageText}";
                throw new RunnerErrorException(failed(migration, reason), e);
            }
        }
    }
}
