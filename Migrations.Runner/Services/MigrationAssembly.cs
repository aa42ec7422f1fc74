using System.Reflection;
using System.Runtime.Loader;
using FluentMigrator;

namespace Migrations.Runner.Services;

/// <summary>The assembly whose migrations the runner runs: the Migrations project, or any FluentMigrator assembly given by path.</summary>
public sealed class MigrationAssembly
{
    private MigrationAssembly(Assembly assembly) => Assembly = assembly;

    public Assembly Assembly { get; }

    public string Name => Assembly.GetName().Name ?? "migrations";

    public static MigrationAssembly Default { get; } = new(typeof(Migrations.LegacyScript).Assembly);

    /// <exception cref="RunnerException">The file is missing, is not a .NET assembly, or holds no migrations.</exception>
    public static MigrationAssembly Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return Default;
        }

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
            hasMigrations = assembly.GetExportedTypes().Any(t => t.GetCustomAttribute<MigrationAttribute>() is not null);
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new RunnerException($"--assembly {path}: its types cannot be loaded: {e.Message}", "build it against FluentMigrator 8 and keep its dependencies beside it", ExitCodes.Usage);
        }

        if (!hasMigrations)
        {
            throw new RunnerException($"--assembly {path}: holds no [Migration] classes", "pass the path of a built migrations .dll", ExitCodes.Usage);
        }

        return new MigrationAssembly(assembly);
    }
}
