using Migrations.Runner.Schema;
using Migrations.Runner.Schema.Generation;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Generation;

/// <summary>
/// Column order is not a difference (PostgreSQL cannot move a column; Atlas and pgquarrel compare columns by name), but
/// the snapshot keeps it and the comparison says where it differs.
/// </summary>
public sealed class ColumnOrderTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_column_dropped_from_the_middle_and_added_back_is_no_difference_and_a_note_names_the_order()
    {
        var database = await fixture.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, "CREATE TABLE public.wide (a integer, b text, c integer)");
        var before = await Db.SnapshotAsync(database);
        await Db.ExecuteAsync(database, "ALTER TABLE public.wide DROP COLUMN b; ALTER TABLE public.wide ADD COLUMN b text");
        var after = await Db.SnapshotAsync(database);

        Assert.NotEqual(before, after);
        Assert.Equal(["a", "c", "b"], after.Tables.Single().Columns.OrderBy(c => c.Position).Select(c => c.Name));
        Assert.Empty(SchemaComparer.Compare(before, after));
        Assert.True(SchemaScriptGenerator.Generate(before, after).IsEmpty);
        var note = Assert.Single(SchemaComparer.Notes(before, after));
        Assert.Contains("public.wide", note, StringComparison.Ordinal);
        Assert.Contains("expected a, b, c; actual a, c, b", note, StringComparison.Ordinal);
        Assert.Empty(SchemaComparer.Notes(before, before));
    }
}
