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
    private readonly Lazy<MigrationCatalog> _catalog;

    private MigrationSet(IReadOnlyList<Assembly> assemblies, MigrationSelection selection, CatalogScan? scanned = null)
    {
        Assemblies = assemblies;
        Selection = selection;
        // Thread-safe: a verb reads the bookkeeping (which needs the version table) while another thread hashes.
        _catalog = new(() => MigrationCatalog.Load(Assemblies, Selection, scanned));
    }

    public IReadOnlyList<Assembly> Assemblies { get; }

    /// <summary>Which of the assemblies' classes every verb sees (tags, profile, namespace) and FluentMigrator's options.</summary>
    public MigrationSelection Selection { get; }

    public string Name => string.Join(" + ", Assemblies.Select(a => a.GetName().Name));

    /// <summary>The migrations of the set, scanned on first use.</summary>
    /// <exception cref="RunnerErrorException">Two migrations share a version, or there are none.</exception>
    internal MigrationCatalog Catalog => _catalog.Value;

    /// <summary>Where the set's FluentMigrator version rows live (public."VersionInfo" unless the assembly says otherwise).</summary>
    /// <inheritdoc cref="Catalog"/>
    public History.VersionTable VersionTable => Catalog.Context.VersionTable;

    /// <summary>Every migration class of the assemblies under the selection, duplicates kept (for validate).</summary>
    internal CatalogScan Scan() => MigrationCatalog.Scan(Assemblies, Selection);

    /// <summary>Every migration in the set, without touching the database.</summary>
    /// <inheritdoc cref="Catalog"/>
    public IReadOnlyList<MigrationEntry> Entries => Catalog.Entries;

    public static MigrationSet Default { get; } = new([typeof(Migrations.LegacyScript).Assembly], MigrationSelection.Default);

    /// <exception cref="RunnerErrorException">A file is missing, is not a .NET assembly, or holds no migrations.</exception>
    public static MigrationSet Load(IReadOnlyList<string>? paths, MigrationSelection? selection = null)
    {
        selection ??= MigrationSelection.Default;
        if (paths is null || paths.Count == 0)
        {
            return selection == MigrationSelection.Default ? Default : new MigrationSet(Default.Assemblies, selection);
        }

        var loaded = paths.Select(LoadOne).ToList();
        // Loading one assembly scanned it as the default selection sees it: the catalog need not read every class's
        // attributes again (2000 classes: a tenth of a no-op run).
        var scanned = loaded.Count == 1 && selection == MigrationSelection.Default ? loaded[0].Scan : null;
        return new MigrationSet([.. loaded.Select(l => l.Assembly)], selection, scanned);
    }

    private static (Assembly Assembly, CatalogScan Scan) LoadOne(string path)
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
            DependencyResolution.Register(assembly, full);
        }
        catch (BadImageFormatException)
        {
            throw Unusable(AssemblyProblem.NotAnAssembly);
        }
        catch (FileLoadException e)
        {
            throw Unusable(AssemblyProblem.CannotLoad, e.Message);
        }

        CatalogScan scan;
        try
        {
            scan = MigrationCatalog.Scan([assembly]);
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw Unusable(AssemblyProblem.TypesCannotLoad, e.Message);
        }

        // Any [Migration] class counts, selected or not: one with only tagged migrations is still a migrations assembly.
        return scan.Migrations.Count > 0 || scan.Excluded.Count > 0 ? (assembly, scan) : throw Unusable(AssemblyProblem.NoMigrations);

        RunnerErrorException Unusable(AssemblyProblem problem, string? reason = null) => new(new AssemblyUnusable(path, problem, reason));
    }
}
