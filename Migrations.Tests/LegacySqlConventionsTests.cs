using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FluentMigrator;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests;

/// <summary>
/// The conventions of <c>legacy-sql/</c>, checked without a database: the frozen files, their rollbacks and checksums,
/// and the migrations 1 to the production version that run them. Migrations after it have no legacy file.
/// </summary>
public partial class LegacySqlConventionsTests
{
    private static readonly string[] UpFiles =
        [.. Directory.GetFiles(Repository.LegacySql, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static readonly string[] RollbackFiles =
        [.. Directory.GetFiles(Path.Combine(Repository.LegacySql, "rollback"), "*.sql")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!];

    private static readonly (long Version, Type Type)[] Classes =
        [.. typeof(LegacyScript).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<MigrationAttribute>() is not null)
            .Select(t => (t.GetCustomAttribute<MigrationAttribute>()!.Version, t))
            .OrderBy(x => x.Version)];

    [Fact]
    public void Every_legacy_migration_has_a_rollback_with_the_same_number()
    {
        Assert.NotEmpty(UpFiles);
        Assert.Equal(UpFiles.Length, RollbackFiles.Length);
        Assert.Equal(
            UpFiles.Select(f => f[..3] + "_rollback.sql"),
            RollbackFiles);
    }

    [Fact]
    public void Legacy_files_are_numbered_from_001_to_the_production_version_without_gaps()
    {
        Assert.All(UpFiles, f => Assert.Matches(LegacyName(), f));
        Assert.Equal(
            Enumerable.Range(1, (int)Repository.ProductionVersion).Select(n => n.ToString("000", CultureInfo.InvariantCulture)),
            UpFiles.Select(f => f[..3]));
    }

    [Fact]
    public void Each_legacy_file_has_one_class_whose_name_version_and_title_agree()
    {
        foreach (var file in UpFiles)
        {
            var number = int.Parse(file[..3], CultureInfo.InvariantCulture);
            var pascal = string.Concat(file[4..^4].Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
            var type = Assert.Single(Classes, c => c.Version == number).Type;
            Assert.Equal($"M{number:0000}_{pascal}", type.Name);
            Assert.True(
                File.Exists(Path.Combine(Repository.Root, "Migrations", type.Name + ".cs")),
                $"{type.Name} is not in Migrations/{type.Name}.cs");
        }
    }

    [Fact]
    public void Legacy_files_match_SHA256SUMS()
    {
        var listed = File.ReadAllLines(Path.Combine(Repository.LegacySql, "SHA256SUMS"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split("  ", 2))
            .ToDictionary(p => p[1], p => p[0]);
        var onDisk = UpFiles
            .Concat(RollbackFiles.Select(f => "rollback/" + f))
            .Append("production/schema.sql")
            .ToList();

        Assert.Equal(onDisk.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        foreach (var file in onDisk)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Repository.LegacySql, file))));
            Assert.True(actual == listed[file], $"legacy-sql/{file} changed since it was shipped: legacy files are never edited");
        }
    }

    [Fact]
    public void Embedded_legacy_files_are_the_files_on_disk()
    {
        var embedded = LegacyScript.All();
        Assert.Equal(UpFiles.Concat(RollbackFiles.Select(f => "rollback/" + f)).Order(StringComparer.Ordinal), embedded);
        foreach (var file in embedded)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(Repository.LegacySql, file)), LegacyScript.Read(file));
        }
    }

    [Fact]
    public void Non_transactional_legacy_migrations_are_the_ones_with_CREATE_INDEX_CONCURRENTLY()
    {
        foreach (var file in UpFiles)
        {
            var type = Assert.Single(Classes, c => c.Version == int.Parse(file[..3], CultureInfo.InvariantCulture)).Type;
            var concurrent = File.ReadAllText(Path.Combine(Repository.LegacySql, file))
                .Contains("CONCURRENTLY", StringComparison.OrdinalIgnoreCase);
            var attribute = type.GetCustomAttribute<MigrationAttribute>()!;
            Assert.True(
                concurrent == (attribute.TransactionBehavior == TransactionBehavior.None),
                $"{type.Name}: CONCURRENTLY in {file} = {concurrent}, but TransactionBehavior = {attribute.TransactionBehavior}");
            Assert.True(
                !concurrent || typeof(StatementByStatementMigration).IsAssignableFrom(type),
                $"{type.Name} must send one statement per command");
        }
    }

    [GeneratedRegex(@"^[0-9]{3}_[a-z0-9_]+\.sql$")]
    private static partial Regex LegacyName();
}
