using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Schema;

/// <summary>
/// docs/DATABASE_STRUCTURE.md prints every kind the snapshot reads beyond tables, views, code and types, where present.
/// </summary>
public sealed class SchemaMarkdownObjectsTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Objects =
        """
        CREATE SCHEMA doc;
        CREATE TABLE doc.notes (id integer PRIMARY KEY, body text, tag text);
        ALTER TABLE doc.notes ALTER body SET STORAGE MAIN, ALTER tag SET STATISTICS 300;
        ALTER TABLE doc.notes REPLICA IDENTITY FULL;
        CREATE COLLATION doc.bytewise (provider = libc, locale = 'C');
        COMMENT ON COLLATION doc.bytewise IS 'byte order';
        CREATE AGGREGATE doc.concat_all(text) (SFUNC = textcat, STYPE = text, INITCOND = '');
        CREATE TEXT SEARCH DICTIONARY doc.stem (TEMPLATE = snowball, language = 'english');
        CREATE TEXT SEARCH CONFIGURATION doc.search (COPY = simple);
        CREATE RULE notes_no_delete AS ON DELETE TO doc.notes DO INSTEAD NOTHING;
        CREATE STATISTICS doc.notes_stats (dependencies) ON body, tag FROM doc.notes;
        ALTER STATISTICS doc.notes_stats SET STATISTICS 200;
        CREATE PUBLICATION doc_notes FOR TABLE doc.notes WITH (publish = 'insert');
        ALTER DEFAULT PRIVILEGES IN SCHEMA doc GRANT SELECT ON TABLES TO PUBLIC;
        """;

    [Fact]
    public async Task Markdown_prints_collations_aggregates_text_search_rules_statistics_publications_and_default_privileges()
    {
        var database = await fixture.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, Objects);
        var snapshot = await Db.SnapshotAsync(database);
        var markdown = SchemaMarkdown.Render(snapshot, "Structure");

        var rule = Assert.Single(snapshot.Rules);
        var statistics = Assert.Single(snapshot.Statistics);
        var aggregate = Assert.Single(snapshot.Aggregates);
        var collation = Assert.Single(snapshot.Collations);
        var search = snapshot.TextSearch.Single(t => t.Kind == TextSearchKind.Configuration);
        var expected = new[]
        {
            "Replica identity: `full`.",
            "Column `body`: storage main.",
            "Column `tag`: statistics target 300.",
            "### Aggregates",
            $"| `doc.concat_all(text)` | `{aggregate.Definition}` |  |",
            "### Collations",
            $"| `doc.bytewise` | `{collation.Definition}` | byte order |",
            "### Text search",
            $"| `doc.search` | configuration | `{search.Definition}` | `{search.Mappings[0]}`<br>",
            "| `doc.stem` | dictionary |",
            "#### Rules",
            $"| `notes_no_delete` | `{rule.Definition.ReplaceLineEndings(" ")}` | enabled |  |",
            "### Extended statistics",
            $"| `doc.notes_stats` | `{statistics.Definition}` | 200 |  |",
            "## Publications",
            "| `doc_notes` | insert | `doc.notes` | no |  |",
            "## Default privileges",
            $"| `{snapshot.DefaultPrivileges[0].Role}` | `doc` | tables | `{snapshot.DefaultPrivileges[0].Grants[0]}` |",
        };
        foreach (var line in expected)
        {
            Assert.Contains(line, markdown, StringComparison.Ordinal);
        }
    }
}
