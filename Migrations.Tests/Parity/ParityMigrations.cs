using FluentMigrator;

namespace Migrations.Tests.Parity;

// Migrations written with FluentMigrator's fluent API rather than SQL files: the parity tests run them through the
// runner and through FluentMigrator's own runner and expect the same schema, history and checksums. Together they use
// the generator (tables, keys, defaults, indexes, sequences, data), the default naming conventions (an unnamed
// foreign key and index), IfDatabase, C# against the connection, a question about the schema that must see the
// migrations before it in the same run, and a Down that FluentMigrator derives itself.

[Migration(1, "Fluent tables")]
public sealed class P0001_FluentTables : Migration
{
    public override void Up()
    {
        Create.Schema("parity");
        Create.Table("customers").InSchema("parity")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("email").AsString(200).NotNullable().Unique()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable().WithDefault(SystemMethods.CurrentDateTimeOffset)
            .WithColumn("note").AsString().Nullable();
        Create.Table("orders").InSchema("parity")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("customer_id").AsInt64().NotNullable()
            .WithColumn("total").AsDecimal(12, 2).NotNullable().WithDefaultValue(0);
        Create.ForeignKey()
            .FromTable("orders").InSchema("parity").ForeignColumn("customer_id")
            .ToTable("customers").InSchema("parity").PrimaryColumn("id");
        Create.Index().OnTable("orders").InSchema("parity").OnColumn("customer_id").Ascending();
        Insert.IntoTable("customers").InSchema("parity").Row(new { email = "a@example.com", note = "it's {quoted}" });
        Execute.Sql("COMMENT ON TABLE parity.orders IS 'braces {0} stay as written';");
        Execute.Sql("UPDATE parity.customers SET note = note -- no semicolon after the statement, one in this comment;");
        IfDatabase("PostgreSQL").Execute.Sql("CREATE VIEW parity.big_orders AS SELECT id, total FROM parity.orders WHERE total > 100;");
        IfDatabase("SqlServer").Execute.Sql("this is not PostgreSQL and must never be sent");
    }

    public override void Down()
    {
        Execute.Sql("DROP VIEW parity.big_orders;");
        Delete.Table("orders").InSchema("parity");
        Delete.Table("customers").InSchema("parity");
        Delete.Schema("parity");
    }
}

[Migration(2, "Fluent changes")]
public sealed class P0002_FluentChanges : Migration
{
    public override void Up()
    {
        Alter.Table("customers").InSchema("parity").AddColumn("name").AsString(100).Nullable();
        Rename.Column("note").OnTable("customers").InSchema("parity").To("remark");
        Create.Sequence("invoice_numbers").InSchema("parity").StartWith(1000).IncrementBy(10);
        Update.Table("customers").InSchema("parity").Set(new { name = "A" }).Where(new { email = "a@example.com" });
        Create.UniqueConstraint("uq_customers_name").OnTable("customers").WithSchema("parity").Column("name");
        Execute.WithConnection((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO parity.orders (customer_id, total) SELECT id, 150 FROM parity.customers";
            command.ExecuteNonQuery();
        });
    }

    public override void Down()
    {
        Execute.Sql("DELETE FROM parity.orders;");
        Delete.UniqueConstraint("uq_customers_name").FromTable("customers").InSchema("parity");
        Delete.Sequence("invoice_numbers").InSchema("parity");
        Rename.Column("remark").OnTable("customers").InSchema("parity").To("note");
        Delete.Column("name").FromTable("customers").InSchema("parity");
    }
}

[Migration(3, "Asks about the schema")]
public sealed class P0003_AsksAboutTheSchema : Migration
{
    // Answered by the database as the migrations before this one left it, in the same run.
    public override void Up()
    {
        if (Schema.Schema("parity").Table("customers").Column("remark").Exists())
        {
            Alter.Table("customers").InSchema("parity").AddColumn("seen_remark").AsBoolean().NotNullable().WithDefaultValue(true);
        }
    }

    public override void Down()
    {
        if (Schema.Schema("parity").Table("customers").Column("seen_remark").Exists())
        {
            Delete.Column("seen_remark").FromTable("customers").InSchema("parity");
        }
    }
}

[Migration(4, "Derived down")]
public sealed class P0004_DerivedDown : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("audit").InSchema("parity")
            .WithColumn("id").AsInt32().PrimaryKey()
            .WithColumn("at").AsDateTime().NotNullable();
        Create.Index("ix_audit_at").OnTable("audit").InSchema("parity").OnColumn("at").Descending();
    }
}
