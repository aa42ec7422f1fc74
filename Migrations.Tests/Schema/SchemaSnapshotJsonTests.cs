using Migrations.Runner.Schema;

namespace Migrations.Tests.Schema;

public sealed class SchemaSnapshotJsonTests
{
    private static readonly SchemaSnapshot Empty =
        new([], [new SchemaInfo("public", "standard public schema", null)], [], [], [], [], [], [], [], [], [], []);

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"extensions\": []}")]
    public void FromJson_rejects_what_is_not_a_snapshot_with_a_one_line_format_exception(string json)
    {
        var e = Assert.Throws<FormatException>(() => SchemaSnapshot.FromJson(json));

        Assert.StartsWith("not a schema snapshot: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("\"schemas\": [", "\"schemas\": [null, ")]
    [InlineData("\"name\": \"public\"", "\"name\": null")]
    [InlineData("\"name\": \"public\"", "\"name\": \"public\", \"colour\": \"blue\"")]
    [InlineData("\"comment\": \"standard public schema\"", "\"comment\": 42")]
    [InlineData("\"comment\": \"standard public schema\",", "")]
    public void FromJson_rejects_a_damaged_snapshot(string original, string damaged)
    {
        var json = Empty.ToJson();
        Assert.Contains(original, json, StringComparison.Ordinal);

        var e = Assert.Throws<FormatException>(() => SchemaSnapshot.FromJson(json.Replace(original, damaged, StringComparison.Ordinal)));

        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Json_round_trip_of_a_hand_made_snapshot_preserves_equality()
    {
        var snapshot = Empty with
        {
            Enums =
            [
                new EnumInfo("public", "mood", ["sad", "ok"], "it's <fine> & \"quoted\"", new PrivilegeInfo("postgres", ["=U/postgres"])),
            ],
            Triggers = [new TriggerInfo("public", "t", "trg", "CREATE TRIGGER trg ...", TriggerState.Replica, null)],
        };

        var json = snapshot.ToJson();

        Assert.Equal(snapshot, SchemaSnapshot.FromJson(json));
        Assert.Contains("\"state\": \"replica\"", json, StringComparison.Ordinal);
        Assert.Contains("it's <fine> & \\\"quoted\\\"", json, StringComparison.Ordinal);
        Assert.NotEqual(snapshot, snapshot with { Enums = [snapshot.Enums[0] with { Labels = ["ok", "sad"] }] });
    }
}
