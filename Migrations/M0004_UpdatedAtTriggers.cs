using FluentMigrator;

namespace Migrations;

/// <summary>
/// Adds the set_updated_at() trigger function and its triggers on organizations, users and memberships
/// (legacy-sql/004_updated_at_triggers.sql).
/// </summary>
[Migration(4, "Maintain updated_at with a trigger")]
public sealed class M0004_UpdatedAtTriggers : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.004_updated_at_triggers.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.004_rollback.sql");
}
