using System.Reflection;
using System.Runtime.Loader;
using FluentMigrator;

namespace Migrations.Runner.Services;

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
    /// <exception cref="RunnerException">Two migrations share a version, or there are none.</exception>
    internal MigrationCatalog Catalog => _catalog ??= MigrationCatalog.Load(Assemblies);

    public static MigrationSet Default { get; } = new([typeof(Migrations.LegacyScript).Assembly]);

    /// <exception cref="RunnerException">A file is missing, is not a .NET assembly, or holds no migrations.</exception>
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
            throw new RunnerException($"--assembly {path}: no such file", "pass the path of a built migrations .dll", ExitCodes.Usage);
        }

        Assembly assembly;
        try
        {
            assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (BadImageFormatException)
        {
            throw new RunnerException($"--assembly {path}: not a .NET assembly", "pass the path of a built migrations .dll", ExitCodes.Usage);
        }
        catch (FileLoadException e)
        {
            throw new RunnerException($"--assembly {path}: cannot be loaded: {e.Message}", "pass the path of a built migrations .dll", ExitCodes.Usage);
        }

        bool hasMigrations;
        try
        {
            hasMigrations = assembly.GetTypes().Any(t => t.GetCustomAttribute<MigrationAttribute>() is not null);
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new RunnerException($"--assembly {path}: its types cannot be loaded: {e.Message}", "build it against FluentMigrator 8 and keep its dependencies beside it", ExitCodes.Usage);
        }

        if (!hasMigrations)
        {
            throw new RunnerException($"--assembly {path}: holds no [Migration] classes", "pass the path of a built migrations .dll", ExitCodes.Usage);
        }

        return assembly;
    }
}
