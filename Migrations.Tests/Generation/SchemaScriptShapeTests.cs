using Migrations.Runner.Schema;
using Migrations.Runner.Schema.Generation;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Generation;

/// <summary>What the generator says about its script, read from the fixture's snapshot without touching a database.</summary>
public sealed class SchemaScriptShapeTests(SchemaScriptShapeTests.Seeded pair) : IClassFixture<SchemaScriptShapeTests.Seeded>
{
    /// <summary>One seeded copy of the migrated template, read once.</summary>
    public sealed class Seeded : IAsyncLifetime
    {
        private readonly DatabaseFixture _databases = new();

        public SchemaSnapshot Original { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _databases.InitializeAsync();
            var database = await _databases.CreateMigratedDatabaseAsync();
            await Db.ExecuteAsync(database, GenerationCases.Seed);
            Original = await Db.SnapshotAsync(database);
        }

        public Task DisposeAsync() => _databases.DisposeAsync();
    }

    [Fact]
    public void Equal_schemas_give_an_empty_script_with_no_warning()
    {
        var script = SchemaScriptGenerator.Generate(pair.Original, pair.Original);

        Assert.True(script.IsEmpty, script.Sql);
        Assert.Empty(script.Warnings);
        Assert.Equal("", script.Sql);
    }

    [Fact]
    public void A_dropped_table_is_marked_destructive_in_the_sql_and_warned()
    {
        var table = pair.Original.Tables.First(t => t.Name == "items");
        var without = pair.Original with { Tables = pair.Original.Tables.Where(t => t != table).ToValueList() };

        var script = SchemaScriptGenerator.Generate(pair.Original, without);

        var drop = Assert.Single(script.Statements, s => s.Sql == "DROP TABLE gen_base.items");
        Assert.True(drop.Destructive);
        Assert.Contains("-- destructive: table gen_base.items is dropped with its rows\nDROP TABLE gen_base.items;\n", script.Sql,
            StringComparison.Ordinal);
        Assert.Contains("table gen_base.items is dropped with its rows", script.Warnings);
        Assert.False(script.RequiresNoTransaction);
    }

    [Fact]
    public void A_new_enum_label_runs_outside_a_transaction_and_first()
    {
        var colour = pair.Original.Enums.First(e => e.Name == "colour");
        var more = pair.Original with
        {
            Enums = pair.Original.Enums.Select(e => e == colour ? e with { Labels = [.. e.Labels, "black"] } : e).ToValueList(),
        };

        var script = SchemaScriptGenerator.Generate(pair.Original, more);

        Assert.True(script.RequiresNoTransaction);
        Assert.Equal("ALTER TYPE gen_base.colour ADD VALUE 'black' AFTER 'blue'", script.Statements[0].Sql);
        Assert.True(script.Statements[0].OutsideTransaction);
    }
}
