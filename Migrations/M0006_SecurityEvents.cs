using FluentMigrator;

namespace Migrations;

/// <summary>Adds the security_events table with its index on occurred_at (legacy-sql/006_security_events.sql).</summary>
[Migration(6, "Add the security events log")]
public sealed class M0006_SecurityEvents : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.006_security_events.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.006_rollback.sql");
}
