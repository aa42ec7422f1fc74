using FluentMigrator;

namespace Migrations;

/// <summary>Adds the users' TOTP two-factor authentication columns (legacy-sql/012_user_mfa.sql).</summary>
[Migration(12, "Add two-factor authentication to users")]
public sealed class M0012_UserMfa : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.012_user_mfa.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.012_rollback.sql");
}
