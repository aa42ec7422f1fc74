using System.Text.RegularExpressions;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Import;

/// <summary>
/// Formats with a file (or folder) per direction: golang-migrate, Flyway, diesel and a plain folder. Ups and downs are
/// paired by version, never by name, since the names of a pair differ in real folders.
/// </summary>
internal static partial class PairedReaders
{
    public static SourceFolder GolangMigrate(string root)
    {
        var ups = new List<(string Version, string Name, string Path)>();
        var downs = new List<(string Version, string Path)>();
        var skipped = new List<SkippedFile>();
        foreach (var path in SourceFiles.List(root, recursive: false))
        {
            var match = GolangName().Match(Path.GetFileName(path));
            if (!match.Success)
            {
                skipped.Add(new SkippedFile(SourceFiles.Relative(root, path), SkipReason.NotAMigrationName));
            }
            else if (match.Groups[3].Value == "up")
            {
                ups.Add((match.Groups[1].Value, match.Groups[2].Value, path));
            }
            else
            {
                downs.Add((match.Groups[1].Value, path));
            }
        }

        ups.Sort((a, b) => SourceFiles.CompareNumbers(a.Version, b.Version) is var c and not 0 ? c : string.CompareOrdinal(a.Path, b.Path));
        return Pair(root, SourceFormat.GolangMigrate, ups, downs, skipped, SourceFiles.CompareNumbers, SourceFiles.Unpadded);
    }

    public static SourceFolder Flyway(string root)
    {
        var ups = new List<(string Version, string Name, string Path)>();
        var downs = new List<(string Version, string Path)>();
        var repeatables = new List<string>();
        var skipped = new List<SkippedFile>();
        foreach (var path in SourceFiles.List(root, recursive: true))
        {
            var match = FlywayName().Match(Path.GetFileName(path));
            var relative = SourceFiles.Relative(root, path);
            if (!match.Success)
            {
                skipped.Add(new SkippedFile(relative, SkipReason.NotAMigrationName));
            }
            else if (match.Groups[1].Value == "R")
            {
                repeatables.Add(relative);
            }
            else if (match.Groups[1].Value == "V")
            {
                ups.Add((match.Groups[2].Value, match.Groups[3].Value, path));
            }
            else
            {
                downs.Add((match.Groups[2].Value, path));
            }
        }

        ups.Sort((a, b) => SourceFiles.CompareFlyway(a.Version, b.Version) is var c and not 0 ? c : string.CompareOrdinal(a.Path, b.Path));
        var folder = Pair(root, SourceFormat.Flyway, ups, downs, skipped, SourceFiles.CompareFlyway, v => v.Replace('_', '.'));
        return folder with { Repeatables = repeatables };
    }

    public static SourceFolder Diesel(string root)
    {
        var migrations = new List<SourceMigration>();
        var skipped = new List<SkippedFile>();
        foreach (var directory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(directory);
            var match = DieselName().Match(name);
            var up = Path.Combine(directory, "up.sql");
            if (!match.Success || !File.Exists(up))
            {
                skipped.Add(new SkippedFile(SourceFiles.Relative(root, directory) + "/", SkipReason.NotAMigrationName));
                continue;
            }

            // metadata.toml's run_in_transaction = false takes both directions out of diesel's transaction.
            var metadata = Path.Combine(directory, "metadata.toml");
            var directive = File.Exists(metadata) && DieselNoTransaction().IsMatch(File.ReadAllText(metadata))
                ? "metadata.toml: run_in_transaction = false"
                : null;
            var down = Path.Combine(directory, "down.sql");
            var version = match.Groups[1].Value;
            migrations.Add(new SourceMigration(
                version,
                version.Replace("-", "", StringComparison.Ordinal),
                match.Groups[2].Value,
                new SourceScript(SourceFiles.Relative(root, up), SourceFiles.Read(root, up), directive),
                File.Exists(down) ? new SourceScript(SourceFiles.Relative(root, down), SourceFiles.Read(root, down), directive) : null));
        }

        // Diesel orders by the version string, dashes and all; equal versions by the rest of the name.
        migrations.Sort((a, b) =>
            string.CompareOrdinal(a.HistoryId, b.HistoryId) is var c and not 0 ? c : string.CompareOrdinal(a.Name, b.Name));
        return new SourceFolder(SourceFormat.Diesel, migrations, [], skipped, []);
    }

    /// <summary>
    /// Hand-named files: downs are told by a <c>down</c>/<c>rollback</c>/<c>revert</c>/<c>undo</c> word in the name or a
    /// folder of that name, paired with the up of the same leading number, else of the same name; ordered by number, then name.
    /// </summary>
    public static SourceFolder Plain(string root)
    {
        var ups = new List<(string Key, string Name, string Path)>();
        var downs = new List<(string Key, string Stem, string Path)>();
        var skipped = new List<SkippedFile>();
        foreach (var path in SourceFiles.List(root, recursive: true))
        {
            var relative = SourceFiles.Relative(root, path);
            var file = Path.GetFileName(path);
            var depth = relative.Count(c => c == '/');
            var inDownFolder = depth == 1 && DownWord().IsMatch("_" + relative[..relative.IndexOf('/', StringComparison.Ordinal)] + "_");
            if (!file.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || depth > 1 || (depth == 1 && !inDownFolder))
            {
                skipped.Add(new SkippedFile(relative, SkipReason.NotAMigrationName));
                continue;
            }

            var stem = file[..^4];
            var isDown = inDownFolder || DownWord().IsMatch(stem);
            var bare = DownWord().Replace(UpWord().Replace(stem, "_"), "_").Trim('_', '-', '.', ' ');
            var key = SourceFiles.LeadingDigits(bare);
            if (isDown)
            {
                downs.Add((key, bare, path));
            }
            else
            {
                ups.Add((key, bare, path));
            }
        }

        ups.Sort((a, b) => SourceFiles.CompareNatural(Path.GetFileName(a.Path), Path.GetFileName(b.Path)));
        var migrations = new List<SourceMigration>();
        var used = new HashSet<string>();
        foreach (var (key, name, path) in ups)
        {
            var sameNumber = ups.Count(u => u.Key == key) == 1 && key.Length > 0;
            var down = downs.FirstOrDefault(d => d.Stem == name && !used.Contains(d.Path));
            if (down.Path is null && sameNumber)
            {
                down = downs.FirstOrDefault(d => d.Key.Length > 0 && SourceFiles.CompareNumbers(d.Key, key) == 0 && !used.Contains(d.Path));
            }

            if (down.Path is not null)
            {
                used.Add(down.Path);
            }

            var title = key.Length > 0 ? name[key.Length..].Trim('_', '-', '.', ' ') : name;
            migrations.Add(new SourceMigration(
                key,
                SourceFiles.Relative(root, path),
                title.Length == 0 ? name : title,
                Script(root, path),
                down.Path is null ? null : Script(root, down.Path)));
        }

        var orphans = downs.Where(d => !used.Contains(d.Path)).Select(d => SourceFiles.Relative(root, d.Path)).ToList();
        return new SourceFolder(SourceFormat.Plain, migrations, [], skipped, orphans);
    }

    private static SourceFolder Pair(
        string root,
        SourceFormat format,
        List<(string Version, string Name, string Path)> ups,
        List<(string Version, string Path)> downs,
        List<SkippedFile> skipped,
        Comparison<string> sameVersion,
        Func<string, string> historyId)
    {
        // golang-migrate and Flyway refuse a folder in which two ups share a version (01 and 1 are one version):
        // importing it would pair one of them with the other's down.
        var shared = ups.GroupBy(u => historyId(u.Version)).FirstOrDefault(g => g.Count() > 1);
        if (shared is not null)
        {
            throw new RunnerErrorException(
                new ImportDuplicateVersion(format, shared.Key, [.. shared.Select(u => SourceFiles.Relative(root, u.Path))]));
        }

        var used = new HashSet<string>();
        var migrations = new List<SourceMigration>();
        foreach (var (version, name, path) in ups)
        {
            var down = downs.FirstOrDefault(d => sameVersion(d.Version, version) == 0 && !used.Contains(d.Path));
            if (down.Path is not null)
            {
                used.Add(down.Path);
            }

            migrations.Add(new SourceMigration(
                version, historyId(version), name, Script(root, path), down.Path is null ? null : Script(root, down.Path)));
        }

        var orphans = downs.Where(d => !used.Contains(d.Path)).Select(d => SourceFiles.Relative(root, d.Path)).ToList();
        return new SourceFolder(format, migrations, [], skipped, orphans);
    }

    private static SourceScript Script(string root, string path) => new(SourceFiles.Relative(root, path), SourceFiles.Read(root, path));

    // As golang-migrate's source parser: {version}_{title}.{up|down}.{extension}.
    [GeneratedRegex(@"^([0-9]+)_(.*)\.(down|up)\.(.*)$")]
    private static partial Regex GolangName();

    [GeneratedRegex(@"^([VUR])([0-9][0-9._]*)?__(.+)\.sql$")]
    private static partial Regex FlywayName();

    [GeneratedRegex(@"^([0-9][0-9-]*)_(.+)$")]
    private static partial Regex DieselName();

    [GeneratedRegex(@"^\s*run_in_transaction\s*=\s*false\s*$", RegexOptions.Multiline)]
    private static partial Regex DieselNoTransaction();

    [GeneratedRegex(@"(?i)(?<=^|[._\- ])(down|rollback|rollbacks|revert|undo|downs)(?=$|[._\- ])")]
    private static partial Regex DownWord();

    [GeneratedRegex(@"(?i)(?<=^|[._\- ])up(?=$|[._\- ])")]
    private static partial Regex UpWord();
}
