using Migrations.Runner.Schema;
using Migrations.Runner.Schema.Generation;
using Migrations.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Migrations.Tests.Generation;

/// <summary>
/// For each kind of change the snapshot detects: mutate a migrated copy, generate the script from the original to the
/// mutation (Up) and back (Down), apply Up to a clean copy and compare with the mutation, apply Down to both and compare
/// with the original. Cases run in batches (<see cref="GenerationBatches"/>); a failed batch is run again case by case,
/// and the test fails naming each case that fails on its own.
/// </summary>
public sealed class SchemaScriptRoundTripTests(GenerationFixture pair, ITestOutputHelper output) : IClassFixture<GenerationFixture>
{
    public static TheoryData<int, string> Batches
    {
        get
        {
            var data = new TheoryData<int, string>();
            foreach (var (batch, index) in GenerationBatches.All.Select((b, i) => (b, i)))
            {
                data.Add(index + 1, string.Join(", ", batch));
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public async Task Generated_up_makes_a_clean_copy_equal_the_changed_one_and_down_undoes_it(int batch, string cases)
    {
        var names = GenerationBatches.All[batch - 1];
        Assert.Equal(cases, string.Join(", ", names));
        try
        {
            await RoundTripAsync(names);
            return;
        }
        catch (Exception e) when (names.Count > 1)
        {
            output.WriteLine($"batch {batch} failed as a whole; its cases run one by one:\n{e.Message}");
        }

        var failures = new List<string>();
        foreach (var name in names)
        {
            try
            {
                await RoundTripAsync([name]);
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task Owners_and_grants_are_written_when_both_snapshots_hold_them()
    {
        var privileges = new SnapshotOptions { IncludePrivileges = true };
        await RoundTripAsync([.. GenerationCases.Grants.Keys], privileges, GenerationCases.Grants);
    }

    private async Task RoundTripAsync(
        IReadOnlyList<string> names, SnapshotOptions? options = null, IReadOnlyDictionary<string, string>? cases = null)
    {
        var mutated = await pair.RestoreAsync(pair.Mutated);
        var clean = await pair.RestoreAsync(pair.Clean);
        pair.Restored = false;
        var original = options is null ? pair.Original : await Db.SnapshotAsync(clean, options);
        foreach (var name in names)
        {
            await Db.ExecuteAsync(mutated, (cases ?? GenerationCases.All)[name]);
        }

        var changed = await Db.SnapshotAsync(mutated, options);
        Assert.True(SchemaComparer.Compare(original, changed).Count > 0, "the mutation changed nothing the snapshot sees");

        var up = SchemaScriptGenerator.Generate(original, changed);
        var down = SchemaScriptGenerator.Generate(changed, original);

        // The two databases are independent: the clean one goes up and down while the mutated one goes down.
        var cleanSide = Task.Run(async () =>
        {
            await GenerationFixture.ApplyAsync(clean, up);
            Assert.True(
                Equal(changed, await Db.SnapshotAsync(clean, options), out var afterUp), $"after up:\n{afterUp}\nup:\n{up.Sql}");
            await GenerationFixture.ApplyAsync(clean, down);
            Assert.True(
                Equal(original, await Db.SnapshotAsync(clean, options), out var afterDown), $"after down:\n{afterDown}\ndown:\n{down.Sql}");
        });
        var mutatedSide = Task.Run(async () =>
        {
            await GenerationFixture.ApplyAsync(mutated, down);
            Assert.True(
                Equal(original, await Db.SnapshotAsync(mutated, options), out var reverted),
                $"mutated after down:\n{reverted}\n{down.Sql}");
        });
        await Task.WhenAll(cleanSide, mutatedSide);
        pair.Restored = true;
    }

    private static bool Equal(SchemaSnapshot expected, SchemaSnapshot actual, out string differences)
    {
        var found = SchemaComparer.Compare(expected, actual);
        differences = Db.Describe(found);
        return found.Count == 0;
    }
}
