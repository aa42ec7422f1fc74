using FluentMigrator;

namespace Migrations;

/// <summary>Adds the membership_role enum and the memberships table (legacy-sql/002_memberships.sql).</summary>
[Migration(2, "Add memberships with a role enum")]
public sealed class M0002_Memberships : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.002_memberships.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.002_rollback.sql");
}
