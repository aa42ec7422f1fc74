using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Migrations.Runner.Services;

public sealed record ScaffoldResult(long Version, string ClassName, IReadOnlyList<string> Files);

/// <summary>Writes the next-numbered migration class (and, if asked, its SQL files) following the naming convention.</summary>
public static partial class MigrationScaffolder
{
    /// <summary>The Migrations folder of the repository around <paramref name="workingDirectory"/>, or null outside one.</summary>
    public static string? FindMigrationsDirectory(string workingDirectory)
    {
        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Database.sln")))
            {
                return Path.Combine(dir.FullName, "Migrations");
            }
        }

        return null;
    }

    /// <exception cref="RunnerException">Bad title, missing folder, or a migration of that name exists.</exception>
    public static ScaffoldResult Create(string directory, string title, bool withSql)
    {
        ArgumentNullException.ThrowIfNull(title);
        title = title.Trim();
        var words = Words().Matches(title).Select(m => m.Value).ToList();
        if (words.Count == 0 || !char.IsLetter(words[0][0]))
        {
            throw new RunnerException($"\"{title}\" is not a usable title: it must start with a letter, e.g. \"Add widgets table\"", null, ExitCodes.Usage);
        }

        if (!Directory.Exists(directory))
        {
            throw new RunnerException($"{directory}: no such folder", "run from the repository or pass --directory", ExitCodes.Usage);
        }

        var pascal = string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        var existing = Directory.GetFiles(directory, "M*.cs")
            .Select(Path.GetFileNameWithoutExtension)
            .Select(n => ClassName().Match(n!))
            .Where(m => m.Success)
            .ToList();
        if (existing.FirstOrDefault(m => string.Equals(m.Groups[2].Value, pascal, StringComparison.OrdinalIgnoreCase)) is { } clash)
        {
            throw new RunnerException($"a migration named {pascal} exists already: {clash.Value}.cs", "choose another title", ExitCodes.Usage);
        }

        var version = existing.Count == 0 ? 1 : existing.Max(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)) + 1;
        var className = $"M{version.ToString("0000", CultureInfo.InvariantCulture)}_{pascal}";
        var files = new List<string>();
        var classFile = Path.Combine(directory, className + ".cs");
        var description = title.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

        string body;
        if (withSql)
        {
            var scripts = Path.Combine(directory, "Scripts");
            Directory.CreateDirectory(scripts);
            foreach (var (suffix, text) in new[]
            {
                ("up", $"-- {className}: {title}\n-- Runs in one transaction. Write it so that a second run changes nothing (IF NOT EXISTS, CREATE OR REPLACE).\n"),
                ("down", $"-- {className}: undo exactly what {className}.up.sql does, in reverse order.\n-- Drop without IF EXISTS, so a wrong rollback fails loudly in the round-trip tests.\n"),
            })
            {
                var path = Path.Combine(scripts, $"{className}.{suffix}.sql");
                File.WriteAllText(path, text);
                files.Add(path);
            }

            body = $$"""
                    public override void Up() => Execute.EmbeddedScript("Scripts.{{className}}.up.sql");

                    public override void Down() => Execute.EmbeddedScript("Scripts.{{className}}.down.sql");
                """;
        }
        else
        {
            body = $$"""
                    public override void Up()
                    {
                        // e.g. Create.Table("widgets").WithColumn("id").AsInt64().PrimaryKey().Identity();
                        throw new NotImplementedException("Write Up() of {{className}}");
                    }

                    // Undo exactly what Up() does, in reverse order; the round-trip tests compare the schema before and after.
                    public override void Down()
                    {
                        throw new NotImplementedException("Write Down() of {{className}}");
                    }
                """;
        }

        var source = new StringBuilder()
            .Append("using FluentMigrator;\n\nnamespace Migrations;\n\n")
            .Append(CultureInfo.InvariantCulture, $"/// <summary>{title}.</summary>\n")
            .Append(CultureInfo.InvariantCulture, $"[Migration({version}, \"{description}\")]\n")
            .Append(CultureInfo.InvariantCulture, $"public sealed class {className} : Migration\n{{\n")
            .Append(body.ReplaceLineEndings("\n"))
            .Append("\n}\n");
        File.WriteAllText(classFile, source.ToString());
        files.Insert(0, classFile);
        return new ScaffoldResult(version, className, files);
    }

    [GeneratedRegex(@"[A-Za-z0-9]+")]
    private static partial Regex Words();

    [GeneratedRegex(@"^M(\d+)_(\w+)$")]
    private static partial Regex ClassName();
}
