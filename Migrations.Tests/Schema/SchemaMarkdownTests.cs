using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Schema;

public sealed class SchemaMarkdownTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Title = "Database structure";

    [Fact]
    public async Task Markdown_documents_tables_columns_keys_and_the_other_objects()
    {
        var markdown = SchemaMarkdown.Render(await SampleSnapshotAsync(), Title);

        Assert.StartsWith("# Database structure\n", markdown, StringComparison.Ordinal);
        Assert.Contains("## Schema `app`\n\nApplication objects\n", markdown, StringComparison.Ordinal);
        Assert.Contains("### Table `public.users`\n\nPeople who sign in\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| Column | Type | Default | Nullable | Comment |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `email` | `character varying(255)` |  | no | Login address |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `display_name` | `text COLLATE \"C\"` |  | yes |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `mood` | `app.mood` | `'ok'::app.mood` | no |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `id` | `bigint` | identity (always) | no |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("Primary key `users_pkey`: `id`", markdown, StringComparison.Ordinal);
        Assert.Contains("| `users_email_key` | `UNIQUE (email)` |  |", markdown, StringComparison.Ordinal);
        Assert.Contains(
            "| `fk_orders_user` | `user_id` | `public.users` (`id`) | CASCADE | RESTRICT |",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains(
            "| `orders_total_not_negative` | `CHECK ((total >= (0)::numeric)) NOT VALID` |  |",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains("#### Exclusion constraints", markdown, StringComparison.Ordinal);
        Assert.Contains(
            "`CREATE UNIQUE INDEX ix_users_email_lower ON public.users USING btree (lower((email)::text)) "
            + "WHERE (display_name IS NOT NULL)`",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains(
            "| `trg_users_touch_insert` | "
            + "`CREATE TRIGGER trg_users_touch_insert BEFORE INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch()` "
            + "| disabled |",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains("| `own_orders` | SELECT | permissive | public |", markdown, StringComparison.Ordinal);
        Assert.Contains(
            "Partition of `app.events` `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`.",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains("Partitioned by `RANGE (at)`.", markdown, StringComparison.Ordinal);
        Assert.Contains("Row-level security enabled.", markdown, StringComparison.Ordinal);
        Assert.Contains("### View `public.active_users`\n\nUsers with a display name\n", markdown, StringComparison.Ordinal);
        Assert.Contains("```sql\nSELECT id,\n", markdown, StringComparison.Ordinal);
        Assert.Contains("### Materialized view `app.order_totals`", markdown, StringComparison.Ordinal);
        Assert.Contains("| `public.touch()` | function | `trigger` | plpgsql | Stamps updated_at |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `app.purge(IN before date)` | procedure |  | sql |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `app.mood` | `sad`, `ok`, `happy` | How a user feels |", markdown, StringComparison.Ordinal);
        Assert.Contains(
            "| `app.email` | `text COLLATE \"C\"` | yes |  | `email_has_at`: `CHECK ((VALUE ~~ '%@%'::text))` |  |",
            markdown,
            StringComparison.Ordinal);
        Assert.Contains("| `app.pair` | `a integer`<br>`b text` |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `app.counter` | integer | 10 | 5 | 1 | 100000 | yes |  |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `pgcrypto` | `public` |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_has_an_er_diagram_with_a_relation_for_each_foreign_key()
    {
        var markdown = SchemaMarkdown.Render(await SampleSnapshotAsync(), Title);

        var diagram = markdown[markdown.IndexOf("```mermaid\nerDiagram\n", StringComparison.Ordinal)..];
        diagram = diagram[..(diagram.IndexOf("\n```\n", StringComparison.Ordinal) + 1)];
        Assert.Contains("    users {\n        bigint id PK\n        character_varying(255) email UK\n", diagram, StringComparison.Ordinal);
        Assert.Contains("        bigint user_id FK\n", diagram, StringComparison.Ordinal);
        Assert.Contains("    users ||--o{ orders : \"fk_orders_user\"\n", diagram, StringComparison.Ordinal);
        Assert.DoesNotContain("events_2024", diagram, StringComparison.Ordinal);
        Assert.DoesNotContain("active_users", diagram, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_is_deterministic()
    {
        var first = await SampleSnapshotAsync();
        var second = await SampleSnapshotAsync();

        var markdown = SchemaMarkdown.Render(first, Title);

        Assert.Equal(markdown, SchemaMarkdown.Render(first, Title));
        Assert.Equal(markdown, SchemaMarkdown.Render(second, Title));
        Assert.Equal(markdown, SchemaMarkdown.Render(SchemaSnapshot.FromJson(first.ToJson()), Title));
        Assert.DoesNotContain("\r", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain(
            DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            markdown,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_keeps_table_cells_on_one_line_and_names_clashing_entities_by_schema()
    {
        var id = new ColumnInfo("id", 1, "integer", true, null, null, null, null, "first line\nsecond | line", null);
        var parentId = new ColumnInfo("parent_id", 2, "integer", false, null, null, null, null, null, null);
        var pk = new ConstraintInfo("items_pkey", ConstraintKind.PrimaryKey, "PRIMARY KEY (id)", ["id"], null, [], null, null, null);
        var fk = new ConstraintInfo("items_parent_fk", ConstraintKind.ForeignKey, "FOREIGN KEY (parent_id) REFERENCES a.items(id)",
            ["parent_id"], "a.items", ["id"], "SET NULL", "NO ACTION", null);
        TableInfo Items(string schema, params ConstraintInfo[] constraints) =>
            new(schema, "items", TableKind.Ordinary, null, null, [], false, [], false, false, null, null, [id, parentId], [.. constraints]);
        var snapshot = new SchemaSnapshot([], [new SchemaInfo("a", null, null), new SchemaInfo("b", null, null)], [], [], [], [],
            [Items("a", pk), Items("b", pk, fk)], [], [], [], [], []);

        var markdown = SchemaMarkdown.Render(snapshot, Title);

        Assert.Contains("| `id` | `integer` |  | no | first line<br>second \\| line |", markdown, StringComparison.Ordinal);
        Assert.Contains("    a_items |o--o{ b_items : \"items_parent_fk\"\n", markdown, StringComparison.Ordinal);
    }

    private async Task<SchemaSnapshot> SampleSnapshotAsync() => await Db.SnapshotAsync(await SampleSchema.CreateDatabaseAsync(fixture));
}
