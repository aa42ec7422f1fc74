using FluentMigrator;

namespace Migrations.Tests.Infrastructure;

/// <summary>The migrations the runner's shortcuts are held to FluentMigrator's own behaviour on.</summary>
public static class MigrationClasses
{
    /// <summary>
    /// Every concrete migration class with a parameterless constructor of this repository, of this test assembly and of
    /// the samples assembly.
    /// </summary>
    public static IReadOnlyList<Type> All { get; } = new[] { typeof(LegacyScript).Assembly, typeof(MigrationClasses).Assembly }
        .Concat(Db.Samples.Assemblies)
        .SelectMany(a => a.GetTypes())
        .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
            && typeof(IMigration).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .ToList();
}
