using System.Reflection;
using FluentMigrator;
using Migrations.Runner.Catalog;

namespace Migrations.Tests.Unit;

/// <summary>The repository's catalog conventions, on catalogs made by hand.</summary>
public sealed class CatalogRulesTests
{
    [Fact]
    public void Duplicates_gaps_and_names_that_disagree_with_their_version_are_all_reported()
    {
        var problems = CatalogRules.Check([Entry(1, "M0001_A"), Entry(2, "M0002_B"), Entry(2, "M0003_C"), Entry(5, "M0005_D")]).ToList();

        Assert.Equal(["M0002_B", "M0003_C"], Assert.Single(problems.OfType<DuplicateVersionProblem>()).TypeNames);
        Assert.Equal((2L, 5L), problems.OfType<VersionGap>().Select(g => (g.From, g.To)).Single());
        Assert.Equal("M0003_C", Assert.Single(problems.OfType<NameMismatch>()).TypeName);
    }

    [Fact]
    public void A_sequential_catalog_with_matching_names_has_no_problem()
    {
        Assert.Empty(CatalogRules.Check([Entry(1, "M0001_A"), Entry(2, "M0002_B"), Entry(3, "Unnumbered")]));
    }

    [Fact]
    public void The_scanner_leaves_out_tagged_migrations_as_FluentMigrator_does_when_no_tags_are_asked_for()
    {
        var assembly = typeof(TaggedMigration).Assembly;
        var migrationTypes = assembly.GetTypes().Where(t => !t.IsAbstract && t.IsDefined(typeof(MigrationAttribute))).ToList();
        Assert.Contains(migrationTypes, t => !t.IsVisible);
        Assert.Contains(typeof(TaggedMigration), migrationTypes);

        var scan = MigrationCatalog.Scan([assembly]);

        Assert.Equal(migrationTypes.Where(t => t.IsVisible && t != typeof(TaggedMigration)).OrderBy(t => t.Name, StringComparer.Ordinal),
            scan.Migrations.Select(m => m.Type).OrderBy(t => t.Name, StringComparer.Ordinal));
    }

    [Fact]
    public void The_migrations_of_this_repository_have_unique_versions_contiguous_from_1()
    {
        var versions = typeof(LegacyScript).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Version)
            .OfType<long>()
            .Order()
            .ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions);
    }

    [Fact]
    public void A_catalog_of_given_types_leaves_out_the_tagged_ones()
    {
        var catalog = MigrationCatalog.ForTypes([typeof(PipelineSamples.T1), typeof(PipelineSamples.Tagged12)]);

        Assert.Equal([1L], catalog.Versions);
    }

    [Fact]
    public void The_shipped_legacy_files_match_their_SHA256SUMS()
    {
        Assert.Empty(CatalogRules.CheckLegacyChecksums(typeof(LegacyScript).Assembly));
    }

    private static MigrationEntry Entry(long version, string name) => new(version, name, name, Transactional: true);

    /// <summary>
    /// Public, so an assembly scan meets it, and tagged, so neither FluentMigrator (asked for no tags) nor the runner
    /// may run it: the parity tests scan this assembly with both.
    /// </summary>
    [Migration(99, "Tagged, so never run")]
    [Tags("never")]
    public sealed class TaggedMigration : Migration
    {
        public override void Up() => throw new InvalidOperationException("a tagged migration ran");

        public override void Down() => throw new InvalidOperationException("a tagged migration ran");
    }
}
