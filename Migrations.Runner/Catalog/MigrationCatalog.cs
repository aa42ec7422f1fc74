using System.Reflection;
using FluentMigrator;
using FluentMigrator.Runner.Constraints;
using FluentMigrator.Runner.Conventions;
using FluentMigrator.Runner.Infrastructure;
using FluentMigrator.Runner.VersionTableInfo;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>Its [MigrationConstraint] attributes (FluentMigrator's CurrentVersionMigrationConstraint among them).</summary>
    public IReadOnlyList<MigrationConstraintAttribute> Constraints { get; init; } = [];

    /// <summary>Where its constructor's parameters come from, as FluentMigrator's service provider; null: it needs none.</summary>
    public IServiceProvider? Services { get; init; }

    /// <exception cref="RunnerErrorException">The class cannot be made, or its constructor threw.</exception>
    public IMigration Create()
    {
        if (Services is null && Type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new RunnerErrorException(new NoParameterlessConstructor(Type.Name));
        }

        try
        {
            return Services is null
                ? (IMigration)MigrationActivator.Create(Type)
                : (IMigration)ActivatorUtilities.CreateInstance(Services, Type);
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
    IReadOnlyList<(MigrationStage Stage, MigrationDefinition Migration)> Maintenance)
{
    /// <summary>The [Profile] migrations the selection asks for, in the assemblies' order (FluentMigrator's).</summary>
    public IReadOnlyList<MigrationDefinition> Profiles { get; init; } = [];

    /// <summary>Versions of [Migration] classes the selection leaves out (tags, namespace): not unknown, not run.</summary>
    public IReadOnlySet<long> Excluded { get; init; } = new HashSet<long>();

    /// <summary>The assemblies' own IConventionSet and [VersionTableMetaData] classes, first found first.</summary>
    public IReadOnlyList<Type> ConventionSets { get; init; } = [];

    /// <inheritdoc cref="ConventionSets"/>
    public IReadOnlyList<Type> VersionTables { get; init; } = [];
}

/// <summary>
/// The one scanner of migration classes: every verb, <c>validate</c> included, sees the set it finds. FluentMigrator's
/// rules (an exported, non-abstract <see cref="IMigration"/> with <see cref="MigrationAttribute"/>, in the namespace
/// and with the tags asked for, as its DefaultMigrationInformationLoader filters them; maintenance per stage in
/// class-name order; the profile asked for; the assembly's own conventions and version table) without its
/// container, which costs a run more than the scan.
/// </summary>
internal sealed class MigrationCatalog
{
    private MigrationCatalog(
        SortedList<long, MigrationDefinition> migrations,
        IReadOnlyDictionary<MigrationStage, IReadOnlyList<MigrationDefinition>> maintenance,
        EmbeddedScriptIndex scripts,
        CatalogScan scan,
        CatalogContext context)
    {
        Migrations = migrations;
        Entries = [.. migrations.Values.Select(m => m.Entry)];
        Maintenance = maintenance;
        Scripts = scripts;
        Profiles = scan.Profiles;
        Excluded = scan.Excluded;
        Context = context;
    }

    /// <summary>Every migration, in version order.</summary>
    public SortedList<long, MigrationDefinition> Migrations { get; }

    public IReadOnlyList<MigrationEntry> Entries { get; }

    public IReadOnlyDictionary<MigrationStage, IReadOnlyList<MigrationDefinition>> Maintenance { get; }

    /// <summary>The [Profile] migrations asked for: run after every up and down, never recorded (FluentMigrator's ApplyProfiles).</summary>
    public IReadOnlyList<MigrationDefinition> Profiles { get; }

    /// <inheritdoc cref="CatalogScan.Excluded"/>
    public IReadOnlySet<long> Excluded { get; }

    /// <summary>The selection, conventions, version table and services the migrations are built with.</summary>
    public CatalogContext Context { get; }

    public EmbeddedScriptIndex Scripts { get; }

    /// <summary>Whether an up run has unversioned work to do every time (maintenance, profiles).</summary>
    public bool RunsEveryTime => Maintenance.Count > 0 || Profiles.Count > 0;

    /// <summary>The versions, in order.</summary>
    public IList<long> Versions => Migrations.Keys;

    /// <summary>The migration classes of the assemblies, by the rules above; throws only when a type cannot load.</summary>
    public static CatalogScan Scan(IEnumerable<Assembly> assemblies, MigrationSelection? selection = null) =>
        ScanTypes(assemblies.SelectMany(a => a.ExportedTypes), selection ?? MigrationSelection.Default);

    /// <summary>A catalog of exactly these classes, with no embedded scripts: for tests of what runs them.</summary>
    internal static MigrationCatalog ForTypes(IEnumerable<Type> types, MigrationSelection? selection = null) =>
        Build(ScanTypes(types, selection ?? MigrationSelection.Default), [], selection ?? MigrationSelection.Default);

    private static CatalogScan ScanTypes(IEnumerable<Type> candidates, MigrationSelection selection)
    {
        var tags = selection.Tags.ToArray();
        var migrations = new List<MigrationDefinition>();
        var maintenance = new List<(MigrationStage, MigrationDefinition)>();
        var profiles = new List<MigrationDefinition>();
        var excluded = new HashSet<long>();
        var conventionSets = new List<Type>();
        var versionTables = new List<Type>();
        foreach (var type in candidates)
        {
            if (type is not { IsClass: true, IsAbstract: false })
            {
                continue;
            }

            if (!typeof(IMigration).IsAssignableFrom(type))
            {
                // FluentMigrator's AssemblySource accessors: the first such class in the namespace asked for wins.
                if (typeof(IConventionSet).IsAssignableFrom(type) && selection.InNamespace(type))
                {
                    conventionSets.Add(type);
                }
                else if (typeof(IVersionTableMetaData).IsAssignableFrom(type) && selection.InNamespace(type))
                {
                    // FluentMigrator's accessor takes [VersionTableMetaData] classes first, then any other of the assemblies'.
                    versionTables.Insert(
                        DefaultMigrationRunnerConventions.Instance.TypeIsVersionTableMetaData(type)
                            ? versionTables.Count(DefaultMigrationRunnerConventions.Instance.TypeIsVersionTableMetaData)
                            : versionTables.Count,
                        type);
                }

                continue;
            }

            if (type.GetCustomAttribute<MigrationAttribute>() is { } attribute)
            {
                if (selection.SelectsMigration(type, tags))
                {
                    migrations.Add(new MigrationDefinition(
                        attribute.Version, attribute.Description, attribute.TransactionBehavior, attribute.BreakingChange, type)
                    {
                        Constraints = type.IsDefined(typeof(MigrationConstraintAttribute), inherit: true)
                            ? [.. type.GetCustomAttributes<MigrationConstraintAttribute>(inherit: true)]
                            : [],
                    });
                }
                else
                {
                    excluded.Add(attribute.Version);
                }
            }

            if (type.GetCustomAttribute<MaintenanceAttribute>() is { } stage && selection.SelectsMaintenance(type, tags))
            {
                maintenance.Add((stage.Stage, new MigrationDefinition(0, null, stage.TransactionBehavior, false, type)));
            }

            if (!string.IsNullOrEmpty(selection.Profile)
                && type.GetCustomAttribute<ProfileAttribute>() is { } profile
                && string.Equals(profile.ProfileName, selection.Profile, StringComparison.Ordinal))
            {
                profiles.Add(new MigrationDefinition(0, null, TransactionBehavior.Default, false, type));
            }
        }

        return new CatalogScan(
            [.. migrations.OrderBy(m => m.Version).ThenBy(m => m.Name, StringComparer.Ordinal)],
            [.. maintenance.OrderBy(m => m.Item2.Name, StringComparer.Ordinal)])
        {
            Profiles = profiles,
            Excluded = excluded,
            ConventionSets = conventionSets,
            VersionTables = versionTables,
        };
    }

    /// <param name="assemblies">The assemblies of the set.</param>
    /// <param name="selection">Which of their classes the set holds; the default when null.</param>
    /// <param name="scanned">The scan of exactly these assemblies under this selection, when already made.</param>
    /// <exception cref="RunnerErrorException">Two migrations share a version, or there are none.</exception>
    public static MigrationCatalog Load(
        IReadOnlyList<Assembly> assemblies, MigrationSelection? selection = null, CatalogScan? scanned = null) =>
        Build(scanned ?? Scan(assemblies, selection), assemblies, selection ?? MigrationSelection.Default);

    private static MigrationCatalog Build(CatalogScan scan, IReadOnlyList<Assembly> assemblies, MigrationSelection selection)
    {
        var context = CatalogContext.Create(scan, selection);
        var migrations = new SortedList<long, MigrationDefinition>();
        foreach (var migration in scan.Migrations)
        {
            if (migrations.TryGetValue(migration.Version, out var other))
            {
                throw new RunnerErrorException(new DuplicateVersion(migration.Version, other.Name, migration.Name));
            }

            migrations.Add(migration.Version, context.Prepare(migration));
        }

        if (migrations.Count == 0)
        {
            throw new RunnerErrorException(new NoMigrations(scan.Excluded.Count, selection));
        }

        var maintenance = scan.Maintenance
            .GroupBy(m => m.Stage)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<MigrationDefinition>)[.. g.Select(m => context.Prepare(m.Migration))]);
        var prepared = scan with { Profiles = [.. scan.Profiles.Select(context.Prepare)] };
        return new MigrationCatalog(migrations, maintenance, new EmbeddedScriptIndex(assemblies), prepared, context);
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
}
