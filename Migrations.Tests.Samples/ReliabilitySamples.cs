using FluentMigrator;

namespace Migrations.Tests.Samples.Reliability;

// Versions 2001 and up exist for the reliability tests. They come after S1100_BrokenScript, which the other tests reach
// with a plain `up` and expect to fail there, so those tests never run them. The reliability tests get past 1100 by
// creating the table it reads from (no_such_table) first. Every behaviour is switched on per database
// (ALTER DATABASE ... SET samples.*), never by the environment: the SQL stays constant, so checksums stay constant.

/// <summary>
/// Creates table <c>slow_{version}</c>, then sleeps for <c>samples.sleep</c> seconds when the database sets it: a run
/// that takes long enough for other runners to queue, for a kill to land mid-run, or for a timeout to fire.
/// </summary>
public abstract class SlowMigration : VersionedMigration
{
    public override void Up()
    {
        var v = V;
        Execute.Sql($"""
            CREATE TABLE slow_{v} (id integer PRIMARY KEY, note text NOT NULL DEFAULT 'v{v}');
            INSERT INTO slow_{v} (id) VALUES (1);
            SELECT pg_sleep(coalesce(nullif(current_setting('samples.sleep', true), '')::float8, 0));
            """);
    }

    public override void Down() => Execute.Sql($"DROP TABLE slow_{V};");
}

[Migration(2001, "Slow one")]
public sealed class S2001_SlowOne : SlowMigration;

[Migration(2002, "Slow two")]
public sealed class S2002_SlowTwo : SlowMigration;

[Migration(2003, "Slow three")]
public sealed class S2003_SlowThree : SlowMigration;

[Migration(2004, "Slow four")]
public sealed class S2004_SlowFour : SlowMigration;

[Migration(2005, "Slow five")]
public sealed class S2005_SlowFive : SlowMigration;

/// <summary>Accounts whose emails collide when the database sets <c>samples.duplicates = on</c>, so that 2101 fails.</summary>
[Migration(2100, "Accounts")]
public sealed class S2100_Accounts : Migration
{
    public override void Up() => Execute.Sql("""
        CREATE TABLE rel_accounts (id integer PRIMARY KEY, email text NOT NULL);
        INSERT INTO rel_accounts (id, email) VALUES (1, 'a@example.com'), (3, 'b@example.com');
        INSERT INTO rel_accounts (id, email)
        SELECT 2, 'a@example.com' WHERE current_setting('samples.duplicates', true) = 'on';
        """);

    public override void Down() => Execute.Sql("DROP TABLE rel_accounts;");
}

/// <summary>
/// A unique index built without blocking writes: it cannot run in a transaction, so a failure (duplicate emails)
/// leaves the index behind, INVALID.
/// </summary>
[Migration(2101, TransactionBehavior.None, "Unique account emails")]
public sealed class S2101_UniqueAccountEmails : Migration
{
    public override void Up() => Execute.Sql("CREATE UNIQUE INDEX CONCURRENTLY rel_accounts_email_key ON rel_accounts (email);");

    public override void Down() => Execute.Sql("DROP INDEX CONCURRENTLY IF EXISTS rel_accounts_email_key;");
}

/// <summary>Needs an ACCESS EXCLUSIVE lock on a table that already exists: what lock_timeout is for.</summary>
[Migration(2200, "Touch slow one")]
public sealed class S2200_TouchSlowOne : Migration
{
    public override void Up() => Execute.Sql("ALTER TABLE slow_2001 ADD COLUMN touched boolean NOT NULL DEFAULT false;");

    public override void Down() => Execute.Sql("ALTER TABLE slow_2001 DROP COLUMN touched;");
}
