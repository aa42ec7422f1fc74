using FluentMigrator.Runner;
using FluentMigrator.Runner.Infrastructure;
using FluentMigrator.Runner.Initialization;

namespace Migrations.Runner.Catalog;

/// <summary>
/// Which of an assembly's classes a run sees, and what FluentMigrator's <see cref="RunnerOptions"/> would say to them:
/// one record, so that every verb selects the same migrations for the same options. The defaults are FluentMigrator's.
/// </summary>
public sealed record MigrationSelection
{
    public static MigrationSelection Default { get; } = new();

    /// <summary>FluentMigrator's <c>Tags</c>: tagged migrations run only when their tags match; untagged ones always.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>FluentMigrator's <c>Profile</c>: the [Profile] migrations to run after every up and down (case-sensitive).</summary>
    public string? Profile { get; init; }

    /// <summary>FluentMigrator's <c>TypeFilterOptions.Namespace</c>: only migrations in this namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>FluentMigrator's <c>TypeFilterOptions.NestedNamespaces</c>: with <see cref="Namespace"/>, its sub-namespaces too.</summary>
    public bool NestedNamespaces { get; init; }

    /// <summary>FluentMigrator's <c>AllowBreakingChange</c>: apply migrations marked <c>BreakingChange</c>.</summary>
    public bool AllowBreakingChanges { get; init; }

    /// <summary>FluentMigrator's <c>IncludeUntaggedMigrations</c> (default true): with tags, untagged migrations run too.</summary>
    public bool IncludeUntaggedMigrations { get; init; } = true;

    /// <summary>FluentMigrator's <c>IncludeUntaggedMaintenances</c> (default true).</summary>
    public bool IncludeUntaggedMaintenances { get; init; } = true;

    /// <summary>The options FluentMigrator's own runner would have been given; what a migration constraint reads.</summary>
    public RunnerOptions ToRunnerOptions() => new()
    {
        Tags = [.. Tags],
        Profile = Profile,
        AllowBreakingChange = AllowBreakingChanges,
        IncludeUntaggedMigrations = IncludeUntaggedMigrations,
        IncludeUntaggedMaintenances = IncludeUntaggedMaintenances,
    };

    /// <summary>FluentMigrator's namespace rule (its TypeFinder.IsInNamespace, which it does not export).</summary>
    public bool InNamespace(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (string.IsNullOrEmpty(Namespace))
        {
            return true;
        }

        return type.Namespace is { } ns
            && (ns == Namespace || (NestedNamespaces && ns.StartsWith(Namespace + ".", StringComparison.Ordinal)));
    }

    // The tags as an array, made once per scan by the caller: FluentMigrator's rule takes one per type.
    internal bool SelectsMigration(Type type, string[] tags) =>
        InNamespace(type) && DefaultMigrationRunnerConventions.Instance.HasRequestedTags(type, tags, IncludeUntaggedMigrations);

    internal bool SelectsMaintenance(Type type, string[] tags) =>
        InNamespace(type) && DefaultMigrationRunnerConventions.Instance.HasRequestedTags(type, tags, IncludeUntaggedMaintenances);

    public bool Equals(MigrationSelection? other) =>
        other is not null
        && Tags.SequenceEqual(other.Tags, StringComparer.Ordinal)
        && Profile == other.Profile
        && Namespace == other.Namespace
        && NestedNamespaces == other.NestedNamespaces
        && AllowBreakingChanges == other.AllowBreakingChanges
        && IncludeUntaggedMigrations == other.IncludeUntaggedMigrations
        && IncludeUntaggedMaintenances == other.IncludeUntaggedMaintenances;

    public override int GetHashCode() => HashCode.Combine(Tags.Count, Profile, Namespace, NestedNamespaces, AllowBreakingChanges);
}
