using FluentMigrator;

namespace Migrations;

/// <summary>Creates the organizations and users tables (legacy-sql/001_initial_schema.sql).</summary>
[Migration(1, "Create organizations and users")]
public sealed class M0001_InitialSchema : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.001_initial_schema.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.001_rollback.sql");
}
