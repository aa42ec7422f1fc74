using FluentMigrator;

namespace Migrations;

/// <summary>Adds the api_keys table (hashed key, prefix, scopes, expiry and revocation) (legacy-sql/005_api_keys.sql).</summary>
[Migration(5, "Add API keys")]
public sealed class M0005_ApiKeys : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.005_api_keys.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.005_rollback.sql");
}
