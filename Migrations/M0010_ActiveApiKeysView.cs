using FluentMigrator;

namespace Migrations;

/// <summary>Adds the active_api_keys view (legacy-sql/010_active_api_keys_view.sql).</summary>
[Migration(10, "Add the active_api_keys view")]
public sealed class M0010_ActiveApiKeysView : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.010_active_api_keys_view.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.010_rollback.sql");
}
