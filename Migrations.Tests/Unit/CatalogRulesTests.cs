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
        var catalog = MigrationCatalog.ForTypes([typeof(PipelineSamples.T1), typeof(PipelineSamples.Tagged12)]);

        Assert.Equal([1L], catalog.Versions);
    }

    [Fact]
    public void The_shipped_legacy_files_match_their_SHA256SUMS()
    {
        Assert.Empty(CatalogRules.CheckLegacyChecksums(typeof(LegacyScript).Assembly));
    }

    private static MigrationEntry Entry(long version, string name) => new(version, name, name, Transactional: true);
}
