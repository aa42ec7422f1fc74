using Migrations.Runner.Schema;
using Migrations.Runner.Schema.Generation;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Generation;

/// <summary>Two databases holding <see cref="DependencyCases.Seed"/>: one is changed by a case, the other takes the script.</summary>
public sealed class DependencyFixture : IAsyncLifetime
{
    private readonly DatabaseFixture _databases = new();

    public string Mutated { get; private set; } = "";

    public string Clean { get; private set; } = "";

    public SchemaSnapshot Original { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _databases.InitializeAsync();
        Mutated = await SeededAsync();
        Clean = await SeededAsync();
        Original = await Db.SnapshotAsync(Mutated);
    }

    /// <summary>Replaces whichever database a failed case left changed, so one failure does not fail the cases after it.</summary>
    public async Task RestoreAsync()
    {
        if (SchemaComparer.Compare(Original, await Db.SnapshotAsync(Mutated)).Count > 0)
        {
            Mutated = await SeededAsync();
        }

        if (SchemaComparer.Compare(Original, await Db.SnapshotAsync(Clean)).Count > 0)
        {
            Clean = await SeededAsync();
        }
    }

    private async Task<string> SeededAsync()
    {
        var database = await _databases.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, DependencyCases.Seed);
        return database;
    }

    public Task DisposeAsync() => _databases.DisposeAsync();
}

/// <summary>
/// Each of <see cref="DependencyCases"/> against real PostgreSQL: change one copy, generate Up (original to changed) and
/// Down, apply Up to the other copy: no difference from the changed one; apply Down to both: no difference from the
/// original. Each case fails where the generator orders a dependent the server knows only by object after what it
/// depends on.
/// </summary>
public sealed class DependencyRoundTripTests(DependencyFixture pair) : IClassFixture<DependencyFixture>
{
    public static TheoryData<string> Cases => [.. DependencyCases.All.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Generated_up_and_down_run_and_leave_no_difference(string name)
    {
        await pair.RestoreAsync();
        await Db.ExecuteAsync(pair.Mutated, DependencyCases.All[name]);
        var changed = await Db.SnapshotAsync(pair.Mutated);
        Assert.NotEmpty(SchemaComparer.Compare(pair.Original, changed));

        var up = SchemaScriptGenerator.Generate(pair.Original, changed);
        var down = SchemaScriptGenerator.Generate(changed, pair.Original);
        await GenerationFixture.ApplyAsync(pair.Clean, up);
        AssertEqual(changed, await Db.SnapshotAsync(pair.Clean), "after up", up);
        await GenerationFixture.ApplyAsync(pair.Clean, down);
        AssertEqual(pair.Original, await Db.SnapshotAsync(pair.Clean), "after down", down);
        await GenerationFixture.ApplyAsync(pair.Mutated, down);
        AssertEqual(pair.Original, await Db.SnapshotAsync(pair.Mutated), "the changed copy after down", down);
    }

    private static void AssertEqual(SchemaSnapshot expected, SchemaSnapshot actual, string when, SchemaScript script)
    {
        var differences = SchemaComparer.Compare(expected, actual);
        Assert.True(differences.Count == 0, $"{when}:\n{Db.Describe(differences)}\nscript:\n{script.Sql}");
    }
}
