using System.Globalization;

namespace Migrations.Tests.Infrastructure;

/// <summary>Paths in the repository the tests were built from, and the facts recorded there as data.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string LegacySql => Path.Combine(Root, "legacy-sql");

    /// <summary>The production schema as the audit dumped it.</summary>
    public static string ProductionSchemaFile => Path.Combine(LegacySql, "production", "schema.sql");

    /// <summary>
    /// The migration version production was at when <see cref="ProductionSchemaFile"/> was dumped, recorded once in
    /// <c>legacy-sql/production/VERSION</c>: migrations 1 to it are the legacy files, and the ones after it are new.
    /// </summary>
    public static long ProductionVersion { get; } = ReadProductionVersion();

    private static long ReadProductionVersion()
    {
        var path = Path.Combine(LegacySql, "production", "VERSION");
        var text = File.ReadAllText(path);
        if (text.EndsWith('\n')
            && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && version > 0)
        {
            return version;
        }

        throw new InvalidOperationException($"{path} must hold one version number and a newline, not '{text}'");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Database.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Database.sln not found above " + AppContext.BaseDirectory);
    }
}
