using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Development;

public sealed record ScaffoldResult(long Version, string ClassName, IReadOnlyList<string> Files);

/// <summary>Writes the next-numbered migration class (and, if asked, its SQL files) following the naming convention.</summary>
public static partial class MigrationScaffolder
{
    /// <summary>The Migrations folder of the repository around <paramref name="workingDirectory"/>, or null outside one.</summary>
    public static string? FindMigrationsDirectory(string workingDirectory) =>
        DevDatabase.RepositoryRoot(workingDirectory) is { } root ? Path.Combine(root, "Migrations") : null;

    /// <param name="directory">The migrations project folder.</param>
    /// <param name="title">The description; its words become the class name.</param>
    /// <param name="withSql">Up (and Down) as SQL files in Scripts/ instead of C#.</param>
    /// <param name="generateDown">
    /// Down runs Scripts/{class}.down.sql, a placeholder that <see cref="GeneratedDownWriter"/> writes over once Up is written.
    /// </param>
    /// <exception cref="RunnerErrorException">Bad title, missing folder, or a migration of that name exists.</exception>
    public static ScaffoldResult Create(string directory, string title, bool withSql, bool generateDown = false)
    {
        ArgumentNullException.ThrowIfNull(title);
        title = title.Trim();
        var pascal = PascalCase(title);
        if (pascal.Length == 0 || !char.IsLetter(pascal[0]) || title.Any(char.IsControl))
        {
            throw new RunnerErrorException(new UnusableTitle(title));
        }

        if (!Directory.Exists(directory))
        {
            throw new RunnerErrorException(new NoSuchFolder(directory));
        }

        var existing = Directory.GetFiles(directory, "M*.cs")
            .Select(Path.GetFileNameWithoutExtension)
            .Select(n => ClassName().Match(n!))
            .Where(m => m.Success)
            .ToList();
        if (existing.FirstOrDefault(m => string.Equals(m.Groups[2].Value, pascal, StringComparison.OrdinalIgnoreCase)) is { } clash)
        {
            throw new RunnerErrorException(new MigrationNameTaken(pascal, clash.Value + ".cs"));
        }

        var version = existing.Count == 0 ? 1 : existing.Max(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)) + 1;
        var className = $"M{version.ToString("0000", CultureInfo.InvariantCulture)}_{pascal}";
        var files = new List<string>();
        var scripts = Path.Combine(directory, "Scripts");
        if (withSql || generateDown)
        {
            Directory.CreateDirectory(scripts);
        }

        if (withSql)
        {
            var path = Path.Combine(scripts, $"{className}.up.sql");
            File.WriteAllText(path, SqlStub(className, "up", title,
                "Runs in one transaction. Write it so that a second run changes nothing (IF NOT EXISTS, CREATE OR REPLACE)."));
            files.Add(path);
        }

        if (withSql || generateDown)
        {
            var path = Path.Combine(scripts, $"{className}.down.sql");
            File.WriteAllText(path, generateDown
                ? DownPlaceholder.Text(className, version, title)
                : SqlStub(className, "down", title, $"Undo exactly what {className}.up.sql does, in reverse order, without IF EXISTS "
                    + "(a wrong rollback then fails loudly)."));
            files.Add(path);
        }

        var up = withSql
            ? $$"""
                    public override void Up() => Execute.EmbeddedScript("Scripts.{{className}}.up.sql");
                """
            : $$"""
                    public override void Up()
                    {
                        // e.g. Create.Table("widgets").WithColumn("id").AsInt64().PrimaryKey().Identity();
                        throw new NotImplementedException("Write Up() of {{className}}");
                    }
                """;
        var down = (withSql, generateDown) switch
        {
            (_, true) => $$"""
                    // Its script is generated from the schemas before and after Up by 'new --write-down {{version}}' (again after
                    // changing Up); until then it is a placeholder that fails wherever it runs.
                    public override void Down() => Execute.EmbeddedScript("Scripts.{{className}}.down.sql");
                """,
            (true, false) => $$"""
                    public override void Down() => Execute.EmbeddedScript("Scripts.{{className}}.down.sql");
                """,
            _ => $$"""
                    // Undo exactly what Up() does, in reverse order; the round-trip tests compare the schema before and after.
                    public override void Down()
                    {
                        throw new NotImplementedException("Write Down() of {{className}}");
                    }
                """,
        };
        var body = up + "\n\n" + down;

        var source = new StringBuilder()
            .Append("using FluentMigrator;\n\nnamespace Migrations;\n\n")
            .Append(CultureInfo.InvariantCulture, $"/// <summary>{XmlText(title)}.</summary>\n")
            .Append(CultureInfo.InvariantCulture, $"[Migration({version}, \"{StringLiteral(title)}\")]\n")
            .Append(CultureInfo.InvariantCulture, $"public sealed class {className} : Migration\n{{\n")
            .Append(body.ReplaceLineEndings("\n"))
            .Append("\n}\n");
        var classFile = Path.Combine(directory, className + ".cs");
        File.WriteAllText(classFile, source.ToString());
        files.Insert(0, classFile);
        return new ScaffoldResult(version, className, files);
    }

    /// <summary>
    /// Words of the title, each capitalised ("Ajouter élément" gives AjouterÉlément): letters and digits of any script
    /// stay as written, since C# identifiers and file names take them; everything else separates words.
    /// </summary>
    internal static string PascalCase(string title) =>
        string.Concat(Words().Matches(title).Select(m => char.ToUpperInvariant(m.Value[0]) + m.Value[1..]));

    // An unwritten script fails the run that reaches it, as it would under psql, instead of applying as empty.
    private static string SqlStub(string className, string suffix, string title, string guidance) =>
        $"""
        -- {className}.{suffix}.sql: {title.Replace("\n", " ", StringComparison.Ordinal)}
        -- {guidance}
        -- Replace the statement below with the migration's SQL.
        DO $stub$ BEGIN RAISE EXCEPTION '{className}.{suffix}.sql is not written yet'; END $stub$;

        """.ReplaceLineEndings("\n");

    private static string XmlText(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    private static string StringLiteral(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    [GeneratedRegex(@"[\p{L}\p{Nd}]+")]
    private static partial Regex Words();

    [GeneratedRegex(@"^M(\d+)_(\w+)$")]
    private static partial Regex ClassName();
}
