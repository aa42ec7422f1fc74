namespace Migrations.Runner.Schema.Generation;

/// <summary>Names and literals as PostgreSQL reads them.</summary>
internal static class Sql
{
    // Reserved words (PostgreSQL's "reserved" and "reserved (can be function or type)" categories): a bare name that is
    // one of them would not parse.
    private static readonly HashSet<string> Reserved = new(
    [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both",
        "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
        "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
        "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
        "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect",
        "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp",
        "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing",
        "primary", "references", "returning", "right", "select", "session_user", "similar", "some", "symmetric",
        "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using",
        "variadic", "verbose", "when", "where", "window", "with",
    ], StringComparer.Ordinal);

    /// <summary>A name, quoted only where a bare one would not read back the same.</summary>
    public static string Ident(string name)
    {
        var plain = name.Length > 0 && (name[0] is >= 'a' and <= 'z' || name[0] == '_')
            && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '$');
        return plain && !Reserved.Contains(name) ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static string Name(string schema, string name) => Ident(schema) + "." + Ident(name);

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string LiteralOrNull(string? text) => text is null ? "NULL" : Literal(text);

    /// <summary>"schema.table.column" as the snapshot writes an owning column, split at its last two dots.</summary>
    public static (string Schema, string Table, string Column) SplitColumn(string qualified)
    {
        var last = qualified.LastIndexOf('.');
        var middle = qualified.LastIndexOf('.', last - 1);
        return (qualified[..middle], qualified[(middle + 1)..last], qualified[(last + 1)..]);
    }

    /// <summary>"schema.name" split at its first dot (schemas rarely hold dots; tables may).</summary>
    public static (string Schema, string Name) SplitName(string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return (qualified[..dot], qualified[(dot + 1)..]);
    }

    /// <summary>Whether <paramref name="text"/> names the qualified object (as pg_get_*def prints it, bare or quoted).</summary>
    public static bool Mentions(string text, string schema, string name) =>
        text.Contains(Name(schema, name), StringComparison.Ordinal)
        || text.Contains($"{schema}.{name}", StringComparison.Ordinal);
}
