using FluentMigrator;

namespace Migrations;

/// <summary>
/// Captures the changes made by hand in production that never had a file; a no-op on production
/// (legacy-sql/013_capture_production_hotfixes.sql).
/// </summary>
[Migration(13, "Capture changes made by hand in production")]
public sealed class M0013_CaptureProductionHotfixes : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.013_capture_production_hotfixes.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.013_rollback.sql");
}
