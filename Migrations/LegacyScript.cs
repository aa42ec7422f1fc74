using Migrations.Authoring;

namespace Migrations;

/// <summary>
/// Reads the legacy SQL embedded from <c>legacy-sql/</c> (one copy, byte for byte).
/// </summary>
public static class LegacyScript
{
    private const string Prefix = "LegacySql.";

    /// <summary>The text of an embedded legacy file, e.g. <c>"001_initial_schema.sql"</c> or <c>"rollback/001_rollback.sql"</c>.</summary>
    /// <exception cref="FileNotFoundException">No such file was embedded: the name is wrong or the csproj glob missed it.</exception>
    public static string Read(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var name = Prefix + relativePath.Replace('/', '.');
        using var stream = typeof(LegacyScript).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException(
                $"legacy-sql/{relativePath} is not embedded in {typeof(LegacyScript).Assembly.GetName().Name}.", relativePath);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Every embedded legacy SQL file name, relative to <c>legacy-sql/</c>, in ordinal order.</summary>
    public static IReadOnlyList<string> All() =>
        [.. typeof(LegacyScript).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..])
            .Select(n => n.StartsWith("rollback.", StringComparison.Ordinal) ? "rollback/" + n["rollback.".Length..] : n)
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// The statements of a script, each with its terminating <c>;</c> and the comments before it, split where psql
    /// would split it (the one SQL lexer: dollar-quoted bodies, strings, quoted names and comments keep their
    /// semicolons); comment-only chunks are dropped.
    /// </summary>
    public static IReadOnlyList<string> SplitStatements(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var text = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        return [.. SqlLexer.Split(text).Where(s => s.HasCode).Select(s => Terminated(text, s))];
    }

    private static string Terminated(string text, SqlStatement statement)
    {
        var end = statement.Offset + statement.Text.Length;
        while (end < text.Length && char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return end < text.Length && text[end] == ';' ? statement.Text + ";" : statement.Text;
    }
}
