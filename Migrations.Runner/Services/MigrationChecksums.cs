using System.Security.Cryptography;
using System.Text;

namespace Migrations.Runner.Services;

/// <summary>
/// The SHA-256 of the SQL each migration's Up generates with no server, statement by statement as FluentMigrator's
/// connectionless processor would log them, so that checksums recorded by earlier builds still match. Line endings are
/// normalised, so a CRLF checkout changes nothing; any other edit to what a migration runs does. A migration that asks
/// the database about its schema while it is built (<c>Schema.Table(...).Exists()</c>) has no checksum: its SQL
/// depends on the database it runs against.
/// </summary>
internal static class MigrationChecksums
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MigrationSet, IReadOnlyDictionary<long, string>> Computed = [];

    /// <summary>Version to checksum, computed once per process: loaded assemblies cannot change under it.</summary>
    public static IReadOnlyDictionary<long, string> Compute(MigrationSet migrations) =>
        Computed.GetValue(migrations, set =>
        {
            var engine = new MigrationEngine(set.Catalog);
            var collecting = SqlProcessor.Collecting();
            var checksums = new Dictionary<long, string>(set.Catalog.Migrations.Count);
            foreach (var migration in set.Catalog.Migrations.Values)
            {
                try
                {
                    checksums[migration.Version] = Hash(engine.Generate(migration.Create(), up: true, collecting));
                }
                catch (SchemaQuestionWithoutConnectionException)
                {
                    // No checksum to keep.
                }
            }

            return checksums;
        });

    public static string Hash(IEnumerable<string> statements)
    {
        var text = string.Join("\n", statements.Select(s => s.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
