using System.Reflection;
using FluentMigrator;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Catalog;

/// <summary>One migration as the runner shows it.</summary>
public sealed record MigrationEntry(long Version, string Name, string Description, bool Transactional);

/// <summary>A migration class of the set: what its attribute says, and how to make one.</summary>
internal sealed record MigrationDefinition(
    long Version, string? AttributeDescription, TransactionBehavior TransactionBehavior, bool BreakingChange, Type Type)
{
    public string Name => Type.Name;

    /// <summary>What VersionInfo records, as FluentMigrator records it: the attribute's description, else the class name.</summary>
    public string Description => AttributeDescription ?? Type.Name;

    public bool Transactional => TransactionBehavior == TransactionBehavior.Default;

    public MigrationEntry Entry => new(Version, Name, Description, Transactional);

    /// <exception cref="RunnerErrorException">The class cannot be made without constructor arguments, or its constructor threw.</exception>
    public IMigration Create()
    {
        if (Type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new RunnerErrorException(new NoParameterlessConstructor(Type.Name));
        }

        try
        {
            return (IMigration)Activator.CreateInstance(Type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new RunnerErrorException(new ConstructorFailed(Type.Name, e.InnerException.Message), e.InnerException);
        }
    }
}

/// <summary>Every migration class the scan found, duplicates kept, for the checks that report them all.</summary>
internal sealed record CatalogScan(
    IReadOnlyList<MigrationDefinition> Migrations,
    IReadOnlyList<(MigrationStage Stage, MigrationDefinition Migration)> Maintenance);

/// <summary>
/// The one scanner of migration classes: every verb, <c>validate</c> included, sees the set it finds. FluentMigrator's
/// rules (an exported, non-abstract <see cref="IMigration"/> with <see cref="MigrationAttribute"/>; untagged, as no
/// tags are asked for; maintenance per stage in class-name order) without its container, which costs a run more than
/// the scan.
/// </summary>
internal sealed class MigrationCatalog
{
    private MigrationCatalog(
        SortedList<long, MigrationDefinition> migrations,
        IReadOnlyDictionary<MigrationStage, IReadOnlyList<MigrationDefinition>> maintenance,
        EmbeddedScriptIndex scripts)
    {
        Migrations = migrations;
        Entries = [.. migrations.Values.Select(m => m.Entry)];
        Maintenance = maintenance;
        Scripts = scripts;
    }

    /// <summary>Every migration, in version order.</summary>
    public SortedList<long, MigrationDefinition> Migrations { get; }

    public IReadOnlyList<MigrationEntry> Entries { get; }

    public IReadOnlyDictionary<MigrationStage, IReadOnlyList<MigrationDefinition>> Maintenance { get; }

    public EmbeddedScriptIndex Scripts { get; }

    /// <summary>The versions, in order.</summary>
    public IList<long> Versions => Migrations.Keys;

    /// <summary>The migration classes of the assemblies, by the rules above; throws only when a type cannot load.</summary>
    public static CatalogScan Scan(IEnumerable<Assembly> assemblies) => ScanTypes(assemblies.SelectMany(a => a.ExportedTypes));

    /// <summary>A catalog of exactly these classes, with no embedded scripts: for tests of what runs them.</summary>
    internal static MigrationCatalog ForTypes(IEnumerable<Type> types) => Build(ScanTypes(types), []);

    private static CatalogScan ScanTypes(IEnumerable<Type> candidates)
    {
        var types = candidates
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMigration).IsAssignableFrom(t) && !HasTags(t))
            .ToList();
        var migrations = types
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<MigrationAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new MigrationDefinition(
                x.Attribute!.Version, x.Attribute.Description, x.Attribute.TransactionBehavior, x.Attribute.BreakingChange, x.Type))
            .OrderBy(m => m.Version)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        var maintenance = types
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<MaintenanceAttribute>()))
            .Where(x => x.Attribute is not null)
            .OrderBy(x => x.Type.Name, StringComparer.Ordinal)
            .Select(x => (x.Attribute!.Stage, new MigrationDefinition(0, null, x.Attribute.TransactionBehavior, false, x.Type)))
            .ToList();
        return new CatalogScan(migrations, maintenance);
    }

    /// <exception cref="RunnerErrorException">Two migrations share a version, or there are none.</exception>
    public static MigrationCatalog Load(IReadOnlyList<Assembly> assemblies) => Build(Scan(assemblies), assemblies);

    private static MigrationCatalog Build(CatalogScan scan, IReadOnlyList<Assembly> assemblies)
    {
        var migrations = new SortedList<long, MigrationDefinition>();
        foreach (var migration in scan.Migrations)
        {
            if (migrations.TryGetValue(migration.Version, out var other))
            {
                throw new RunnerErrorException(new DuplicateVersion(migration.Version, other.Name, migration.Name));
            }

            migrations.Add(migration.Version, migration);
        }

        if (migrations.Count == 0)
        {
            throw new RunnerErrorException(new NoMigrations());
        }

        var maintenance = scan.Maintenance
            .GroupBy(m => m.Stage)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<MigrationDefinition>)[.. g.Select(m => m.Migration)]);
        return new MigrationCatalog(migrations, maintenance, new EmbeddedScriptIndex(assemblies));
    }

    /// <summary>A version <c>--to</c> may name: a known one, or 0 (none) where that is allowed.</summary>
    /// <exception cref="RunnerErrorException">It is neither.</exception>
    public void RequireTarget(long target, bool zeroAllowed)
    {
        if ((target == 0 && zeroAllowed) || Migrations.ContainsKey(target))
        {
            return;
        }

        var first = Versions[0];
        var last = Versions[^1];
        throw new RunnerErrorException(new UnknownTargetVersion(target, first, last, Migrations.Count != last - first + 1, zeroAllowed));
    }

    // FluentMigrator leaves tagged migrations out unless tags are asked for; the runner asks for none.
    private static bool HasTags(Type type) =>
        type.IsDefined(typeof(TagsAttribute), inherit: true)
        || type.GetInterfaces().Any(i => i.IsDefined(typeof(TagsAttribute), inherit: true));
}
