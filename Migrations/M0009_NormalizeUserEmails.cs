using FluentMigrator;

namespace Migrations;

/// <summary>
/// Lower-cases users' e-mail addresses, then adds a lower-case check and a unique index on email; the rollback cannot
/// restore the original case (legacy-sql/009_normalize_user_emails.sql).
/// </summary>
[Migration(9, "Lower-case user e-mails and make them unique")]
public sealed class M0009_NormalizeUserEmails : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.009_normalize_user_emails.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.009_rollback.sql");
}
