namespace Migrations.Tests.Infrastructure;

/// <summary>Paths in the repository the tests were built from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string LegacySql => Path.Combine(Root, "legacy-sql");

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
