using System.Text.RegularExpressions;

namespace Migrations.Runner.Import;

/// <summary>What the folder looks like, and why: the import says which format it read, so a wrong guess shows.</summary>
/// <param name="Format">The format read.</param>
/// <param name="Evidence">What decided it, e.g. <c>12 files with -- +goose Up</c>.</param>
public sealed record DetectedFormat(SourceFormat Format, string Evidence);

internal static partial class FormatDetector
{
    public static DetectedFormat Detect(string root)
    {
        var diesel = Directory.EnumerateDirectories(root).Count(d => File.Exists(Path.Combine(d, "up.sql")));
        if (diesel > 0)
        {
            return new(SourceFormat.Diesel, $"{diesel} folders holding up.sql");
        }

        var files = SourceFiles.List(root, recursive: false).Select(Path.GetFileName).OfType<string>().ToList();
        var flyway = files.Count(f => FlywayName().IsMatch(f));
        if (flyway > 0 && flyway * 2 >= files.Count(f => f.EndsWith(".sql", StringComparison.Ordinal)))
        {
            return new(SourceFormat.Flyway, $"{flyway} files named V<version>__, U<version>__ or R__");
        }

        var golang = files.Count(f => GolangName().IsMatch(f));
        var sql = files.Count(f => f.EndsWith(".sql", StringComparison.Ordinal));
        if (files.Any(f => GolangName().IsMatch(f) && f.EndsWith(".up.sql", StringComparison.Ordinal)) && golang * 2 >= sql)
        {
            return new(SourceFormat.GolangMigrate, $"{golang} files named <version>_<title>.up.sql or .down.sql");
        }

        var heads = files.Where(f => f.EndsWith(".sql", StringComparison.Ordinal))
            .Select(f => File.ReadAllText(Path.Combine(root, f)))
            .ToList();
        foreach (var (format, marker) in new[]
                 {
                     (SourceFormat.Goose, GooseUp()), (SourceFormat.SqlMigrate, SqlMigrateUp()), (SourceFormat.Dbmate, DbmateUp()),
                 })
        {
            var count = heads.Count(marker.IsMatch);
            if (count > 0)
            {
                return new(format, $"{count} files with the directive {Marker(format)}");
            }
        }

        return new(SourceFormat.Plain, "no tool's file names or directives");
    }

    public static string Marker(SourceFormat format) => format switch
    {
        SourceFormat.Goose => "-- +goose Up",
        SourceFormat.SqlMigrate => "-- +migrate Up",
        _ => "-- migrate:up",
    };

    [GeneratedRegex(@"^([VU][0-9][0-9._]*__|R__).+\.sql$")]
    private static partial Regex FlywayName();

    [GeneratedRegex(@"^[0-9]+_.*\.(up|down)\.sql$")]
    private static partial Regex GolangName();

    [GeneratedRegex(@"(?im)^\s*--\s*\+goose\s+up\b")]
    private static partial Regex GooseUp();

    [GeneratedRegex(@"(?im)^\s*--\s*\+migrate\s+up\b")]
    private static partial Regex SqlMigrateUp();

    [GeneratedRegex(@"(?im)^\s*--\s*migrate:up\b")]
    private static partial Regex DbmateUp();
}
