using FluentMigrator;

namespace Migrations.Tests.Samples;

/// <summary>
/// A FluentMigrator maintenance migration: the runner runs it before every run of up, as FluentMigrator's own
/// MigrateUp does. It only leaves a trace when the database asks (samples.maintenance = on): maintenance commits on
/// its own, so elsewhere it would show in the schema comparisons of the other sample tests.
/// </summary>
[Maintenance(MigrationStage.BeforeAll)]
public sealed class RecordRuns : Migration
{
    public override void Up() => Execute.Sql("""
        DO $$
        BEGIN
            IF current_setting('samples.maintenance', true) = 'on' THEN
                CREATE TABLE IF NOT EXISTS maintenance_runs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stage text NOT NULL);
                INSERT INTO maintenance_runs (stage) VALUES ('before all');
            END IF;
        END $$;
        """);

    // Maintenance migrations are never reverted.
    public override void Down()
    {
    }
}
