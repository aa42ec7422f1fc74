using System.Reflection;
using FluentMigrator;

namespace Migrations.Runner.Services;

/// <summary>One migration as the runner shows it.</summary>
public sealed record MigrationEntry(long Version, string Name, string Description, bool Transactional);

/// <summary>A migration class of the set: what its attribute says, and how to make one.</summary>
internal sealed record MigrationDefinition(long Version, string? AttributeDescription, TransactionBehavior TransactionBehavior, bool BreakingChange, Type Type)
{
    public string Name => Type.Name;

    /// <summary>What VersionInfo records, as FluentMigrator records it: the attribute's description, else the class name.</summary>
    public string Description => AttributeDescription ?? Type.Name;

    public bool Transactional => TransactionBehavior == TransactionBehavior.Default;

    public MigrationEntry Entry => new(Version, Name, Description, Transactional);

    /// <exception cref="RunnerException">The class cannot be made without constructor arguments.</exception>
    public IMigration Create() => MigrationCatalog.Instantiate(Type);
}

/// <summary>
/// The migrations and maintenance migrations of a set, found by reflection once per set, by FluentMigrator's own rules
/// (an exported, non-abstract <see cref="IMigration"/> with <see cref="MigrationAttribute"/>; untagged, as no tags
/// are asked for; maintenance per stage in class-name order) but without its container, which costs a run more than
/// the scan.
/// </summary>
internal sealed class MigrationCatalog
{
    private MigrationCatalog(SortedList<long, MigrationDefinition> migrations, IReadOnlyDictionary<MigrationStage, IReadOnlyList<MigrationDefinition>> maintenance, EmbeddedScriptIndex scripts)
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

    /// <exception cref="RunnerException">Two migrations share a version, or there are none.</exception>
    public static MigrationCatalog Load(IReadOnlyList<Assembly> assemblies)
    {
        var types = assemblies.SelectMany(a => a.ExportedTypes).Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMigration).IsAssignableFrom(t) && !HasTags(t)).ToList();
        var migrations = new SortedList<long, MigrationDefinition>();
        foreach (var type in types)
        {
            if (type.GetCustomAttribute<MigrationAttribute>() is not { } attribute)
            {
                continue;
            }

            if (migrations.TryGetValue(attribute.Version, out var other))
            {
                throw new RunnerException(
                    $"the migrations assembly is inconsistent: {other.Name} and {type.Name} share version {attribute.Version}",
                    "give each migration its own version number");
            }

            migrations.Add(attribute.Version, new MigrationDefinition(attribute.Version, attribute.Description, attribute.TransactionBehavior, attribute.BreakingChange, type));
        }

        if (migrations.Count == 0)
        {
            throw new RunnerException("the migrations assembly holds no migrations", "pass the path of a built migrations .dll with --assembly");
        }

        var maintenance = types
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<MaintenanceAttribute>()))
            .Where(x => x.Attribute is not null)
            .GroupBy(x => x.Attribute!.Stage)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<MigrationDefinition>)[.. g.OrderBy(x => x.Type.Name, StringComparer.Ordinal).Select(x => new MigrationDefinition(0, null, x.Attribute!.TransactionBehavior, false, x.Type))]);
        return new MigrationCatalog(migrations, maintenance, new EmbeddedScriptIndex(assemblies));
    }

    internal static IMigration Instantiate(Type type)
    {
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new RunnerException($"migration {type.Name} has no parameterless constructor", "give the migration class a constructor without parameters");
        }

        try
        {
            return (IMigration)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new RunnerException($"migration {type.Name} failed in its constructor: {e.InnerException.Message}", "fix the migration's constructor", ExitCodes.Failure, e.InnerException);
        }
    }

    // FluentMigrator leaves tagged migrations out unless tags are asked for; the runner asks for none.
    private static bool HasTags(Type type) =>
        type.IsDefined(typeof(TagsAttribute), inherit: true) || type.GetInterfaces().Any(i => i.IsDefined(typeof(TagsAttribute), inherit: true));
}
