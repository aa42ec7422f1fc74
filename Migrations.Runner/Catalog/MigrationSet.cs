using System.Reflection;
using System.Runtime.Loader;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Catalog;

/// <summary>
/// The assemblies whose migrations the runner runs: the Migrations project by default, or any FluentMigrator
/// assemblies given by path (several combine into one set, as FluentMigrator's own runner allows).
/// </summary>
public sealed class MigrationSet
{
    private MigrationCatalog? _catalog;

    private MigrationSet(IReadOnlyList<Assembly> assemblies) => Assemblies = assemblies;

    public IReadOnlyList<Assembly> Assemblies { get; }

    public string Name => string.Join(" + ", Assemblies.Select(a => a.GetName().Name));

    /// <summary>The migrations of the set, scanned on first use.</summary>
    /// <exception cref="RunnerErrorException">Two migrations share a version, or there are none.</exception>
    internal MigrationCatalog Catalog => _catalog ??= MigrationCatalog.Load(Assemblies);

    /// <summary>Every migration in the set, without touching the database.</summary>
    /// <inheritdoc cref="Catalog"/>
    public IReadOnlyList<MigrationEntry> Entries => Catalog.Entries;

    public static MigrationSet Default { get; } = new([typeof(Migrations.LegacyScript).Assembly]);

    /// <exception cref="RunnerErrorException">A file is missing, is not a .NET assembly, or holds no migrations.</exception>
    public static MigrationSet Load(IReadOnlyList<string>? paths)
    {
        if (paths is null || paths.Count == 0)
        {
            return Default;
        }

        return new MigrationSet([.. paths.Select(LoadOne)]);
    }

    private static Assembly LoadOne(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw Unusable(AssemblyProblem.NotFound);
        }

        Assembly assembly;
        try
        {
            assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (BadImageFormatException)
        {
            throw Unusable(AssemblyProblem.NotAnAssembly);
        }
        catch (FileLoadException e)
        {
            throw Unusable(AssemblyProblem.CannotLoad, e.Message);
        }

        bool hasMigrations;
        try
        {
            hasMigrations = MigrationCatalog.Scan([assembly]).Migrations.Count > 0;
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw Unusable(AssemblyProblem.TypesCannotLoad, e.Message);
        }

        return hasMigrations ? assembly : throw Unusable(AssemblyProblem.NoMigrations);

        RunnerErrorException Unusable(AssemblyProblem problem, string? reason = null) => new(new AssemblyUnusable(path, problem, reason));
    }
}
