using FluentMigrator;

namespace Migrations;

/// <summary>Adds browser sessions and their rotating refresh tokens (legacy-sql/003_sessions_and_refresh_tokens.sql).</summary>
[Migration(3, "Add sessions and refresh tokens")]
public sealed class M0003_SessionsAndRefreshTokens : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.003_sessions_and_refresh_tokens.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.003_rollback.sql");
}
