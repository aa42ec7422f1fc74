using FluentMigrator;
using FluentMigrator.Exceptions;
using FluentMigrator.Infrastructure;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Initialization;
using FluentMigrator.Runner.Processors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Migrations.Runner.Services;

/// <summary>One migration as the runner shows it.</summary>
public sealed record MigrationEntry(long Version, string Name, string Description, bool Transactional);

/// <summary>
/// FluentMigrator wired for PostgreSQL over one assembly. Lists migrations without touching the database; the runner
/// (and with it the connection) is only built when asked for.
/// </summary>
internal sealed class FluentMigratorHost : IDisposable
{
    // Listing migrations needs no server, but FluentMigrator's container insists on some connection string.
    private const string NoConnection = "Host=localhost";

    /// <summary>An empty connection string makes FluentMigrator generate SQL without any server (its ConnectionlessProcessor).</summary>
    public const string Connectionless = "";

    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;
    private readonly MigrationSet _migrationSet;
    private SortedList<long, IMigrationInfo>? _migrations;

    public FluentMigratorHost(MigrationSet migrations, string? connectionString, bool previewOnly = false, ILoggerProvider? logger = null)
    {
        _migrationSet = migrations;
        _services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(rb => rb
                .AddPostgres15_0()
                .WithGlobalConnectionString(connectionString ?? NoConnection)
                // Migrations may run long (backfills, index builds); the server's own timeouts are the limit.
                .WithGlobalCommandTimeout(TimeSpan.FromHours(24))
                .ScanIn([.. migrations.Assemblies]).For.All())
            .Configure<ProcessorOptions>(o => o.PreviewOnly = previewOnly || connectionString == Connectionless)
            .Configure<RunnerOptions>(o => o.NoConnection = connectionString == Connectionless)
            .AddLogging(lb =>
            {
                lb.ClearProviders();
                lb.SetMinimumLevel(LogLevel.Trace);
                if (logger is not null)
                {
                    lb.AddProvider(logger);
                }
            })
            .BuildServiceProvider(validateScopes: false);
        _scope = _services.CreateScope();
    }

    /// <summary>Every migration in version order.</summary>
    /// <exception cref="RunnerException">Two migrations share a version, or there are none.</exception>
    public SortedList<long, IMigrationInfo> Migrations => _migrations ??= Load();

    public IReadOnlyList<MigrationEntry> Entries =>
        [.. Migrations.Values.Select(ToEntry)];

    public static MigrationEntry ToEntry(IMigrationInfo info) => new(
        info.Version,
        ClassName(info),
        info.Description ?? ClassName(info),
        info.TransactionBehavior == TransactionBehavior.Default);

    /// <summary>The migration's own class name, also behind the script index's wrapper.</summary>
    public static string ClassName(IMigrationInfo info) =>
        (info.Migration is IndexedScriptMigration indexed ? indexed.Inner : info.Migration).GetType().Name;

    /// <summary>FluentMigrator's runner; resolving it connects and creates VersionInfo when missing.</summary>
    public MigrationRunner CreateRunner() => (MigrationRunner)_scope.ServiceProvider.GetRequiredService<IMigrationRunner>();

    private SortedList<long, IMigrationInfo> Load()
    {
        try
        {
            var loaded = _scope.ServiceProvider.GetRequiredService<IMigrationInformationLoader>().LoadMigrations();
            var index = new EmbeddedScriptIndex(_migrationSet.Assemblies);
            var indexed = new SortedList<long, IMigrationInfo>(loaded.Count);
            foreach (var info in loaded.Values)
            {
                indexed.Add(info.Version, new MigrationInfo(info.Version, info.Description, info.TransactionBehavior, info.IsBreakingChange, () => new IndexedScriptMigration(info.Migration, index)));
            }

            return indexed;
        }
        catch (DuplicateMigrationException e)
        {
            throw new RunnerException($"the migrations assembly is inconsistent: {e.Message}", "give each migration its own version number");
        }
        catch (FluentMigrator.Runner.Exceptions.MissingMigrationsException)
        {
            throw new RunnerException("the migrations assembly holds no migrations", "pass the path of a built migrations .dll with --assembly");
        }
    }

    public void Dispose()
    {
        try
        {
            _scope.Dispose();
            _services.Dispose();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or Npgsql.NpgsqlException)
        {
            // The processor closes its connection here; when the server already ended the session (the failure being
            // reported), closing fails too, and must not replace the real error on its way out.
        }
    }
}
