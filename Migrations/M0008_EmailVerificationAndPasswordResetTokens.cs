using FluentMigrator;

namespace Migrations;

/// <summary>
/// Adds the email_verification_tokens and password_reset_tokens tables
/// (legacy-sql/008_email_verification_and_password_reset_tokens.sql).
/// </summary>
[Migration(8, "Add e-mail verification and password reset tokens")]
public sealed class M0008_EmailVerificationAndPasswordResetTokens : Migration
{
    public override void Up() => Execute.EmbeddedScript("LegacySql.008_email_verification_and_password_reset_tokens.sql");

    public override void Down() => Execute.EmbeddedScript("LegacySql.rollback.008_rollback.sql");
}
