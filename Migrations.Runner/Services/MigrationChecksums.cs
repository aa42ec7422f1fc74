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

    /// <summary>
    /// Version to checksum, computed once per process (loaded assemblies cannot change under it), on every core: each
    /// migration costs its class's first load and its Up's first compilation, which adds up over thousands.
    /// </summary>
    public static IReadOnlyDictionary<long, string> Compute(MigrationSet migrations) =>
        Computed.GetValue(migrations, set =>
        {
            var all = set.Catalog.Migrations.Values.ToArray();
            var hashes = new string?[all.Length];
            try
            {
                Parallel.For(
                    0,
                    all.Length,
                    () => (Engine: new MigrationEngine(set.Catalog), Collecting: SqlProcessor.Collecting()),
                    (i, _, worker) =>
                    {
                        hashes[i] = HashOf(all[i], worker.Engine, worker.Collecting);
                        return worker;
                    },
                    _ => { });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }

            var checksums = new Dictionary<long, string>(all.Length);
            for (var i = 0; i < all.Length; i++)
            {
                if (hashes[i] is { } hash)
                {
                    checksums[all[i].Version] = hash;
                }
            }

            return checksums;
        });

    public static string Hash(IEnumerable<string> statements)
    {
        var text = string.Join("\n", statements.Select(s => s.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string? HashOf(MigrationDefinition migration, MigrationEngine engine, SqlProcessor collecting)
    {
        try
        {
            return Hash(engine.Generate(migration.Create(), up: true, collecting));
        }
        catch (SchemaQuestionWithoutConnectionException)
        {
            return null;
        }
    }
}
