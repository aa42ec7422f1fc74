using FluentMigrator.Runner;
using FluentMigrator.Runner.Conventions;
using FluentMigrator.Runner.Initialization;
using FluentMigrator.Runner.Processors;
using FluentMigrator.Runner.VersionTableInfo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Catalog;

/// <summary>
/// What FluentMigrator's container would hand a set's migrations: the runner options the selection stands for, the
/// assembly's own <see cref="IConventionSet"/> (else FluentMigrator's default), its [VersionTableMetaData] class
/// (else FluentMigrator's default, which takes the conventions' default schema), and a service provider for
/// constructor parameters. The provider is built only when a class asks for it, so a set without constructor
/// parameters pays nothing for it.
/// </summary>
internal sealed class CatalogContext
{
    private readonly Lazy<ServiceProvider> _services;
    private readonly Lazy<IConventionSet> _conventions;
    private readonly Lazy<IVersionTableMetaData> _versionTable;
    private History.VersionTable? _table;

    private CatalogContext(MigrationSelection selection, Type? conventionSet, Type? versionTable)
    {
        Selection = selection;
        RunnerOptions = selection.ToRunnerOptions();
        _services = new Lazy<ServiceProvider>(BuildServices);
        _conventions = new Lazy<IConventionSet>(
            () => conventionSet is null ? new DefaultConventionSet() : Make<IConventionSet>(conventionSet));
        _versionTable = new Lazy<IVersionTableMetaData>(() => versionTable is null
            ? new DefaultVersionTableMetaData(Conventions, Options.Create(RunnerOptions))
            : Make<IVersionTableMetaData>(versionTable));
        VersionTableType = versionTable;
        ConventionSetType = conventionSet;
    }

    public MigrationSelection Selection { get; }

    /// <summary>What a migration constraint reads as <c>RunnerOptions</c>, and what IOptions&lt;RunnerOptions&gt; resolves to.</summary>
    public RunnerOptions RunnerOptions { get; }

    public IConventionSet Conventions => _conventions.Value;

    public IVersionTableMetaData VersionTableMetaData => _versionTable.Value;

    /// <summary>Where the set's version rows live, as FluentMigrator's version loader would keep them.</summary>
    public History.VersionTable VersionTable => _table ??= History.VersionTable.From(VersionTableMetaData);

    /// <summary>The assembly's [VersionTableMetaData] class, or null for FluentMigrator's default.</summary>
    public Type? VersionTableType { get; }

    /// <summary>The assembly's IConventionSet class, or null for FluentMigrator's default.</summary>
    public Type? ConventionSetType { get; }

    public static CatalogContext Create(CatalogScan scan, MigrationSelection selection) =>
        new(
            selection,
            scan.ConventionSets.Count > 0 ? scan.ConventionSets[0] : null,
            scan.VersionTables.Count > 0 ? scan.VersionTables[0] : null);

    /// <summary>The migration, with the services its constructor needs; refused, by name, when one cannot be resolved.</summary>
    /// <exception cref="RunnerErrorException">A constructor parameter no service provides.</exception>
    public MigrationDefinition Prepare(MigrationDefinition migration)
    {
        ArgumentNullException.ThrowIfNull(migration);
        if (migration.Type.GetConstructor(Type.EmptyTypes) is not null)
        {
            return migration;
        }

        RequireResolvable(migration.Type);
        return migration with { Services = _services.Value };
    }

    private T Make<T>(Type type)
    {
        if (type.GetConstructor(Type.EmptyTypes) is not null)
        {
            return (T)Activator.CreateInstance(type)!;
        }

        RequireResolvable(type);
        return (T)ActivatorUtilities.CreateInstance(_services.Value, type);
    }

    // ActivatorUtilities takes any public constructor whose parameters it can all resolve (or that have defaults).
    private void RequireResolvable(Type type)
    {
        var known = _services.Value.GetRequiredService<IServiceProviderIsService>();
        var constructors = type.GetConstructors();
        if (constructors.Any(c => c.GetParameters().All(p => p.HasDefaultValue || known.IsService(p.ParameterType))))
        {
            return;
        }

        var missing = constructors.SelectMany(c => c.GetParameters())
            .FirstOrDefault(p => !p.HasDefaultValue && !known.IsService(p.ParameterType));
        throw new RunnerErrorException(new UnresolvableConstructor(type.Name, missing?.ParameterType.FullName, missing?.Name));
    }

    // The services FluentMigrator's own runner registers that a migration may ask for (options, logging, conventions),
    // and the process's configuration; nothing that would open a connection of its own.
    private ServiceProvider BuildServices()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddOptions()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddEnvironmentVariables().Build())
            .AddSingleton(_ => Conventions)
            .AddSingleton<IOptions<RunnerOptions>>(Options.Create(RunnerOptions))
            .AddSingleton<IOptions<TypeFilterOptions>>(Options.Create(new TypeFilterOptions
            {
                Namespace = Selection.Namespace,
                NestedNamespaces = Selection.NestedNamespaces,
            }))
            .AddSingleton<IOptions<ProcessorOptions>>(Options.Create(new ProcessorOptions()));
        return services.BuildServiceProvider();
    }
}
