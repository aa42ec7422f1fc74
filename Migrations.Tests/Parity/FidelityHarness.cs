using System.Reflection;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Initialization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Migrations.Runner.Catalog;
using Migrations.Runner.History;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Parity;

/// <summary>What a database holds after a run: its schema, the rows of its tables, and its version rows.</summary>
public sealed record DatabaseState(SchemaSnapshot Schema, string Data, string Versions);

/// <summary>
/// Runs the fidelity migrations both ways: through the runner's command line, and through FluentMigrator's own
/// MigrationRunner (AddPostgres15_0, ScanIn(...).For.All()) given the same options, and reads what each left.
/// </summary>
internal static class FidelityHarness
{
    private static readonly Lazy<string> Compiled = new(() => CompileInto(
        Directory.CreateTempSubdirectory("fidelity-").FullName, "Fidelity", FidelitySources.Migrations, []));

    /// <summary>The compiled fidelity migrations (compiled once per test run).</summary>
    public static string AssemblyPath => Compiled.Value;

    /// <summary>Loaded as the runner loads an --assembly, so both runners see the same types.</summary>
    public static Assembly Assembly => MigrationSet.Load([AssemblyPath]).Assemblies[0];

    /// <summary>The runner's command line on the fidelity assembly.</summary>
    public static Task<CliResult> RunAsync(string database, params string[] args) =>
        Cli.RunAsync(database, [.. args, "--assembly", AssemblyPath]);

    /// <summary>FluentMigrator's own runner on the fidelity assembly, with the options the selection stands for.</summary>
    public static void Reference(string connectionString, MigrationSelection selection, Action<IMigrationRunner> run) =>
        Reference(Assembly, connectionString, selection, run);

    /// <summary>FluentMigrator's own runner on <paramref name="assembly"/>, with the options the selection stands for.</summary>
    public static void Reference(
        Assembly assembly, string connectionString, MigrationSelection selection, Action<IMigrationRunner> run)
    {
        using var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(rb => rb.AddPostgres15_0().WithGlobalConnectionString(connectionString).ScanIn(assembly).For.All())
            .Configure<RunnerOptions>(o =>
            {
                o.Tags = [.. selection.Tags];
                o.Profile = selection.Profile;
                o.AllowBreakingChange = selection.AllowBreakingChanges;
            })
            .Configure<TypeFilterOptions>(o =>
            {
                o.Namespace = selection.Namespace;
                o.NestedNamespaces = selection.NestedNamespaces;
            })
            .AddLogging(lb => lb.ClearProviders())
            .BuildServiceProvider(validateScopes: false);
        using var scope = services.CreateScope();
        try
        {
            run(scope.ServiceProvider.GetRequiredService<IMigrationRunner>());
        }
        finally
        {
            Db.ClearPool(connectionString);
        }
    }

    /// <summary>The selection's options as the runner's command line takes them.</summary>
    public static string[] Options(MigrationSelection selection) =>
    [
        .. selection.Namespace is { } ns ? ["--namespace", ns] : Array.Empty<string>(),
        .. selection.NestedNamespaces ? ["--nested"] : Array.Empty<string>(),
        .. selection.Tags.SelectMany(t => new[] { "--tags", t }),
        .. selection.Profile is { } profile ? ["--profile", profile] : Array.Empty<string>(),
        .. selection.AllowBreakingChanges ? ["--allow-breaking-changes"] : Array.Empty<string>(),
    ];

    /// <summary>Schema, data (version tables and the runner's checksum tables aside) and version rows, in one read.</summary>
    public static async Task<DatabaseState> ReadAsync(string connectionString, VersionTable versionTable)
    {
        await using var connection = Db.Untyped(connectionString);
        await connection.OpenAsync();
        var schema = await SchemaReader.ReadAsync(connection);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT format('%I.%I', c.table_schema, c.table_name) FROM information_schema.tables c
            WHERE c.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND NOT (c.table_schema = @schema AND c.table_name = @table)
              AND c.table_name NOT IN ('VersionInfo', 'VersionInfoChecksums', 'VersionInfoChecksumHistory')
            ORDER BY 1
            """, connection))
        {
            list.Parameters.AddWithValue("schema", versionTable.Schema);
            list.Parameters.AddWithValue("table", versionTable.Table);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var data = new List<string>();
        foreach (var table in tables)
        {
            await using var rows = new NpgsqlCommand(
                $"SELECT coalesce(string_agg(t::text, ' | ' ORDER BY t::text), '') FROM {table} t", connection);
            data.Add($"{table}: {await rows.ExecuteScalarAsync()}");
        }

        var versions = (await VersionHistory.ReadAsync(connection, versionTable)).Select(a => $"{a.Version} {a.Description}");
        return new DatabaseState(schema, string.Join("\n", data), string.Join("\n", versions));
    }

    /// <summary>Fails with every difference between what FluentMigrator left and what the runner left.</summary>
    public static void AssertSame(DatabaseState theirs, DatabaseState ours, string when)
    {
        Assert.Equal(theirs.Versions, ours.Versions);
        Assert.Equal(theirs.Data, ours.Data);
        var differences = SchemaComparer.Compare(theirs.Schema, ours.Schema);
        Assert.True(differences.Count == 0, $"{when}:\n" + Db.Describe(differences));
    }

    /// <summary>Compiles <paramref name="source"/> into <paramref name="folder"/>/<paramref name="name"/>.dll.</summary>
    public static string CompileInto(string folder, string name, string source, IEnumerable<string> references)
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var all = trusted
            .Append(typeof(FluentMigrator.Migration).Assembly.Location)
            .Append(typeof(FluentMigrator.MigrationAttribute).Assembly.Location)
            .Append(typeof(RunnerOptions).Assembly.Location)
            .Concat(references)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source)],
            all,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        var path = Path.Combine(folder, name + ".dll");
        using (var output = File.Create(path))
        {
            var result = compilation.Emit(output);
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (!result.Success)
            {
                throw new InvalidOperationException(string.Join("\n", errors));
            }
        }

        return path;
    }
}
