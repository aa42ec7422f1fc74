namespace Migrations.Tests.Plan;

/// <summary>
/// Migrations for the plan tests, compiled in process: version 1 builds the tables (filled by the fixture), each later
/// one does one thing plan must find (or, the Safe ones, must not), 99 fails. The class declares its own [Reviewed], as an
/// assembly that does not reference Migrations.Authoring would: the runner matches it by name.
/// </summary>
public static class PlanSamples
{
    public const long Reviewed = 2;
    public const long Rewrite = 3;
    public const long TypeChangeRewrite = 4;
    public const long TypeChangeInPlace = 5;
    public const long PlainIndex = 6;
    public const long Check = 7;
    public const long ForeignKey = 8;
    public const long NotNull = 9;
    public const long EnumValue = 10;
    public const long DropIndex = 11;
    public const long NoLockTimeout = 12;
    public const long VacuumFull = 13;
    public const long Cluster = 14;
    public const long Reindex = 15;
    public const long DropColumn = 16;
    public const long DropTable = 17;
    public const long Truncate = 18;
    public const long SafeAddColumn = 19;
    public const long SafeConcurrentIndex = 20;
    public const long SafeNotValid = 21;
    public const long SafeValidate = 22;
    public const long SafeConstantDefault = 23;
    public const long UniqueConstraint = 24;
    public const long SafeNotNullCheck = 25;
    public const long SafeNotNullValidate = 26;
    public const long SafeSetNotNull = 27;

    /// <summary>The last version the shared plan measures: all but the failing one.</summary>
    public const long LastPlanned = SafeSetNotNull;
    public const long Fails = 99;

    public const string Source = """
        using FluentMigrator;

        namespace PlanSamples;

        [AttributeUsage(AttributeTargets.Class)]
        public sealed class ReviewedAttribute(string reason) : Attribute
        {
            public string Reason { get; } = reason;
        }

        public abstract class Sql(string up) : Migration
        {
            public override void Up() => Execute.Sql(up);

            public override void Down()
            {
            }
        }

        [Migration(1)]
        public sealed class M01_Tables() : Sql(
            "CREATE TYPE order_state AS ENUM ('new', 'paid');"
            + "CREATE TABLE accounts (id bigint PRIMARY KEY, email text, status text, score int, legacy text);"
            + "CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint, total int, note varchar(50), state order_state,"
            + " old_flag boolean);"
            + "CREATE INDEX orders_total_idx ON orders (total);"
            + "CREATE TABLE events (id bigint PRIMARY KEY, payload text);"
            + "CREATE TABLE scratchpad (id bigint PRIMARY KEY);"
            + "CREATE TABLE archive (id bigint PRIMARY KEY);");

        [Migration(2), Reviewed("the accounts rewrite is accepted in a maintenance window")]
        public sealed class M02_ReviewedRewrite() : Sql(
            "ALTER TABLE accounts ADD COLUMN reviewed_at timestamptz DEFAULT clock_timestamp()");

        [Migration(3)]
        public sealed class M03_Rewrite() : Sql("ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp()");

        [Migration(4)]
        public sealed class M04_TypeChangeRewrite() : Sql("ALTER TABLE accounts ALTER COLUMN score TYPE bigint");

        [Migration(5)]
        public sealed class M05_TypeChangeInPlace() : Sql("ALTER TABLE orders ALTER COLUMN note TYPE varchar(100)");

        [Migration(6)]
        public sealed class M06_Index() : Sql("CREATE INDEX accounts_email_idx ON accounts (email)");

        [Migration(7)]
        public sealed class M07_Check() : Sql("ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0)");

        [Migration(8)]
        public sealed class M08_ForeignKey() : Sql(
            "ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id)");

        [Migration(9)]
        public sealed class M09_NotNull() : Sql("ALTER TABLE accounts ALTER COLUMN email SET NOT NULL");

        [Migration(10)]
        public sealed class M10_Enum() : Sql("ALTER TYPE order_state ADD VALUE 'refunded'");

        [Migration(11)]
        public sealed class M11_DropIndex() : Sql("DROP INDEX orders_total_idx");

        [Migration(12)]
        public sealed class M12_NoLockTimeout() : Sql("SET LOCAL lock_timeout = 0; ALTER TABLE events ADD COLUMN tag text");

        [Migration(13, TransactionBehavior.None)]
        public sealed class M13_VacuumFull() : Sql("VACUUM FULL events");

        [Migration(14)]
        public sealed class M14_Cluster() : Sql("CLUSTER orders USING orders_pkey");

        [Migration(15)]
        public sealed class M15_Reindex() : Sql("REINDEX TABLE events");

        [Migration(16)]
        public sealed class M16_DropColumn : Migration
        {
            public override void Up() => Delete.Column("legacy").FromTable("accounts");

            public override void Down()
            {
            }
        }

        [Migration(17)]
        public sealed class M17_DropTable : Migration
        {
            public override void Up() => Delete.Table("archive");

            public override void Down()
            {
            }
        }

        [Migration(18)]
        public sealed class M18_Truncate() : Sql("TRUNCATE scratchpad");

        [Migration(19)]
        public sealed class M19_SafeAddColumn : Migration
        {
            public override void Up() => Alter.Table("accounts").AddColumn("nickname").AsString().Nullable();

            public override void Down()
            {
            }
        }

        [Migration(20, TransactionBehavior.None)]
        public sealed class M20_SafeConcurrentIndex() : Sql("CREATE INDEX CONCURRENTLY orders_account_idx ON orders (account_id)");

        [Migration(21)]
        public sealed class M21_SafeNotValid() : Sql(
            "ALTER TABLE events ADD CONSTRAINT events_payload_check CHECK (payload <> '') NOT VALID");

        [Migration(22)]
        public sealed class M22_SafeValidate() : Sql("ALTER TABLE events VALIDATE CONSTRAINT events_payload_check");

        [Migration(23)]
        public sealed class M23_SafeConstantDefault() : Sql("ALTER TABLE orders ADD COLUMN priority int DEFAULT 10");

        [Migration(24)]
        public sealed class M24_UniqueConstraint() : Sql("ALTER TABLE events ADD CONSTRAINT events_payload_key UNIQUE (payload)");

        [Migration(25)]
        public sealed class M25_SafeNotNullCheck() : Sql(
            "ALTER TABLE events ADD CONSTRAINT events_payload_not_null CHECK (payload IS NOT NULL) NOT VALID");

        [Migration(26)]
        public sealed class M26_SafeNotNullValidate() : Sql("ALTER TABLE events VALIDATE CONSTRAINT events_payload_not_null");

        [Migration(27)]
        public sealed class M27_SafeSetNotNull() : Sql("ALTER TABLE events ALTER COLUMN payload SET NOT NULL");

        [Migration(99)]
        public sealed class M99_Fails() : Sql("ALTER TABLE no_such_table ADD COLUMN x int");
        """;

    /// <summary>
    /// The rows of each of the two large tables: enough for every size the plan tests assert (over a megabyte, over the
    /// 10k of a threshold), few enough that the scratch copies and rewrites of each plan stay cheap.
    /// </summary>
    public const int LargeRows = 30_000;

    /// <summary>Fills the tables of version 1 in one statement each, then analyzes them, as autovacuum would have.</summary>
    public static readonly string Fill = $"""
        INSERT INTO accounts SELECT g, 'user' || g || '@example.com', 'active', g % 100, 'x' FROM generate_series(1, {LargeRows}) g;
        INSERT INTO orders SELECT g, g, g % 1000, 'n', 'new', false FROM generate_series(1, {LargeRows}) g;
        INSERT INTO events SELECT g, 'p' || g FROM generate_series(1, {LargeRows / 10}) g;
        INSERT INTO scratchpad SELECT g FROM generate_series(1, 1000) g;
        INSERT INTO archive SELECT g FROM generate_series(1, 1000) g;
        ANALYZE accounts, orders, events, scratchpad, archive;
        """;

    /// <summary>What the tables hold, as one line: equal before and after a plan proves it wrote no row.</summary>
    public const string RowCounts = """
        SELECT concat_ws(',', (SELECT count(*) FROM accounts), (SELECT count(*) FROM orders), (SELECT count(*) FROM events),
            (SELECT count(*) FROM scratchpad), (SELECT count(*) FROM archive), (SELECT sum(score) FROM accounts))
        """;
}
