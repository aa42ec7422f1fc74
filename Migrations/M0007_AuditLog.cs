using FluentMigrator;

namespace Migrations;

/// <summary>Adds the audit_log table (legacy-sql/007_audit_log.sql).</summary>
[Migration(7, "Add the audit log")]
public sealed class M0007_AuditLog : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.007_audit_log.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.007_rollback.sql");
}
