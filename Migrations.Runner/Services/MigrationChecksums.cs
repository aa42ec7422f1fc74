using System.Security.Cryptography;
using System.Text;

namespace Migrations.Runner.Services;

/// <summary>
/// The SHA-256 of the SQL each migration's Up generates, as FluentMigrator would send it, computed with no server
/// (FluentMigrator's connectionless processor). Line endings are normalised, so a CRLF checkout changes nothing;
/// any other edit to what a migration runs does.
/// </summary>
public static class MigrationChecksums
{
    public static IReadOnlyDictionary<long, string> Compute(MigrationSet migrations)
    {
        var log = new MigrationLog(null);
        using var host = new FluentMigratorHost(migrations, FluentMigratorHost.Connectionless, previewOnly: true, logger: log);
        var runner = host.CreateRunner();
        var checksums = new Dictionary<long, string>();
        foreach (var info in host.Migrations.Values)
        {
            log.ClearSql();
            // Up(IMigration) runs the migration as unversioned: no VersionInfo statements in what is hashed.
            runner.Up(info.Migration);
            checksums[info.Version] = Hash(log.Sql);
        }

        return checksums;
    }

    public static string Hash(IEnumerable<string> statements)
    {
        var text = string.Join("\n", statements.Select(s => s.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
