using System.Security.Cryptography;
using System.Text;

namespace Migrations.Runner.Services;

/// <summary>
/// The migrations of a set as FluentMigrator generates them with no server (its connectionless processor): the list,
/// and the SHA-256 of the SQL each Up generates. Line endings are normalised, so a CRLF checkout changes nothing;
/// any other edit to what a migration runs does.
/// </summary>
public sealed class MigrationChecksums : IDisposable
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MigrationSet, IReadOnlyDictionary<long, string>> Computed = [];

    private readonly MigrationLog _log = new(null);
    private readonly FluentMigratorHost _host;
    private IReadOnlyDictionary<long, string>? _checksums;

    public MigrationChecksums(MigrationSet migrations) =>
        _host = new FluentMigratorHost(migrations, FluentMigratorHost.Connectionless, previewOnly: true, logger: _log);

    /// <summary>Every migration in version order; needs no server.</summary>
    public IReadOnlyList<MigrationEntry> Entries => _host.Entries;

    /// <summary>Version to checksum, computed on first use.</summary>
    public IReadOnlyDictionary<long, string> Checksums => _checksums ??= ComputeAll();

    /// <summary>The checksums of a set, computed once per process: loaded assemblies cannot change under it.</summary>
    public static IReadOnlyDictionary<long, string> Compute(MigrationSet migrations) =>
        Computed.GetValue(migrations, set =>
        {
            using var catalog = new MigrationChecksums(set);
            return catalog.Checksums;
        });

    public static string Hash(IEnumerable<string> statements)
    {
        var text = string.Join("\n", statements.Select(s => s.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public void Dispose() => _host.Dispose();

    private Dictionary<long, string> ComputeAll()
    {
        var runner = _host.CreateRunner();
        var checksums = new Dictionary<long, string>();
        foreach (var info in _host.Migrations.Values)
        {
            _log.ClearSql();
            // Up(IMigration) runs the migration as unversioned: no VersionInfo statements in what is hashed.
            runner.Up(info.Migration);
            checksums[info.Version] = Hash(_log.Sql);
        }

        return checksums;
    }
}
