using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Migrations.Runner.Catalog;

namespace Migrations.Runner.Execution;

/// <summary>A set's checksums, and the migrations whose SQL could not be built at all (a stub, a missing script).</summary>
internal sealed record ChecksumSet(IReadOnlyDictionary<long, string> Checksums, IReadOnlyDictionary<long, Exception> BuildFailures);

/// <summary>
/// The SHA-256 of the SQL each migration's Up generates with no server, statement by statement as FluentMigrator's
/// connectionless processor would log them, so that checksums recorded by earlier builds still match. Line endings are
/// normalised, so a CRLF checkout changes nothing; any other edit to what a migration runs does. A migration that asks
/// the database about its schema while it is built (<c>Schema.Table(...).Exists()</c>) has no checksum: its SQL
/// depends on the database it runs against. Nor has one whose Up throws while it is built: that is reported when a
/// verb would run it, not by every verb that only reads.
/// </summary>
internal static class MigrationChecksums
{
    private static readonly ConditionalWeakTable<MigrationSet, ChecksumSet> Computed = [];

    /// <summary>Version to checksum.</summary>
    public static IReadOnlyDictionary<long, string> Compute(MigrationSet migrations) => ComputeAll(migrations).Checksums;

    /// <summary>
    /// Computed once per process (loaded assemblies cannot change under it), on every core: each migration costs its
    /// class's first load and, unless its Up is script-only (<see cref="ScriptOnlyMigrations"/>), that Up's first
    /// compilation, which adds up over thousands.
    /// </summary>
    public static ChecksumSet ComputeAll(MigrationSet migrations) =>
        Computed.GetValue(migrations, set =>
        {
            var all = set.Catalog.Migrations.Values.ToArray();
            var hashes = new string?[all.Length];
            var failures = new Exception?[all.Length];
            Parallel.For(
                0,
                all.Length,
                () => (Builder: new ExpressionBuilder(set.Catalog), Collecting: SqlProcessor.Collecting()),
                (i, _, worker) =>
                {
                    try
                    {
                        hashes[i] = Hash(worker.Builder.Generate(all[i].Create(), up: true, worker.Collecting));
                    }
                    catch (SchemaQuestionWithoutConnectionException)
                    {
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failures[i] = e;
                    }

                    return worker;
                },
                _ => { });

            var checksums = new Dictionary<long, string>(all.Length);
            var buildFailures = new Dictionary<long, Exception>();
            for (var i = 0; i < all.Length; i++)
            {
                if (hashes[i] is { } hash)
                {
                    checksums[all[i].Version] = hash;
                }
                else if (failures[i] is { } failure)
                {
                    buildFailures[all[i].Version] = failure;
                }
            }

            return new ChecksumSet(checksums, buildFailures);
        });

    public static string Hash(IEnumerable<string> statements)
    {
        var text = string.Join("\n", statements.Select(s => s.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()));
        return Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    // What Convert.ToHexStringLower writes; its vectorised code is compiled at run time, this loop ahead of it.
    private static string Hex(byte[] hash)
    {
        const string digits = "0123456789abcdef";
        Span<char> chars = stackalloc char[hash.Length * 2];
        for (var i = 0; i < hash.Length; i++)
        {
            chars[2 * i] = digits[hash[i] >> 4];
            chars[(2 * i) + 1] = digits[hash[i] & 0xF];
        }

        return new string(chars);
    }
}
