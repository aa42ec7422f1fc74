using System.Text.Json.Serialization;

namespace Migrations.Runner.Schema;

// The kinds of object pg_dump --schema-only prints beyond tables, types and code. Each holds a definition the server
// prints (pg_get_ruledef, pg_get_statisticsobjdef) or one composed from the catalog the way pg_dump composes it.

/// <remarks><para><c>Definition</c>: CREATE COLLATION with provider, locale and determinism.</para></remarks>
public sealed record CollationInfo(string Schema, string Name, string Definition, string? Comment)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

/// <remarks>
/// <para><c>ArgumentTypes</c>: As pg_get_function_identity_arguments prints them, e.g. "integer".</para>
/// <para><c>Definition</c>: CREATE AGGREGATE with its state and final functions, initial value and parallel safety.</para>
/// </remarks>
public sealed record AggregateInfo(string Schema, string Name, string ArgumentTypes, string Definition, string? Comment)
{
    [JsonIgnore]
    public string Signature => $"{Schema}.{Name}({ArgumentTypes})";
}

public enum TextSearchKind
{
    Template,
    Parser,
    Dictionary,
    Configuration,
}

/// <remarks>
/// <para><c>Definition</c>: the CREATE TEXT SEARCH statement.</para>
/// <para><c>Mappings</c>: For a configuration, "token WITH dictionary, ..." per token type, sorted.</para>
/// </remarks>
public sealed record TextSearchInfo(
    TextSearchKind Kind, string Schema, string Name, string Definition, ValueList<string> Mappings, string? Comment)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

/// <remarks>
/// <para><c>Definition</c>: pg_get_ruledef: the CREATE RULE statement.</para>
/// <para><c>Enabled</c>: pg_rewrite.ev_enabled: O (origin), D, R or A.</para>
/// </remarks>
public sealed record RuleInfo(string Schema, string Table, string Name, string Definition, string Enabled, string? Comment)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Table}.{Name}";
}

/// <remarks>
/// <para><c>Definition</c>: pg_get_statisticsobjdef: the CREATE STATISTICS statement.</para>
/// <para><c>Target</c>: ALTER STATISTICS ... SET STATISTICS; null for the default.</para>
/// </remarks>
public sealed record StatisticsInfo(string Schema, string Name, string Definition, int? Target, string? Comment)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

/// <remarks>
/// <para><c>Actions</c>: What it publishes: "insert, update, delete, truncate".</para>
/// <para><c>Tables</c>: "schema.table" with a column list and row filter where given (PostgreSQL 15 and later), sorted.</para>
/// <para><c>Schemas</c>: FOR TABLES IN SCHEMA (PostgreSQL 15 and later), sorted.</para>
/// </remarks>
public sealed record PublicationInfo(
    string Name, bool AllTables, string Actions, bool ViaRoot, ValueList<string> Tables, ValueList<string> Schemas, string? Comment);

/// <remarks>
/// <para>ALTER DEFAULT PRIVILEGES: what <c>Role</c> grants on objects it creates later, in <c>Schema</c> (null: in any).</para>
/// <para><c>ObjectType</c>: TABLES, SEQUENCES, FUNCTIONS, TYPES or SCHEMAS.</para>
/// <para><c>Grants</c>: ACL items as PostgreSQL prints them, sorted.</para>
/// </remarks>
public sealed record DefaultPrivilegeInfo(string Role, string? Schema, string ObjectType, ValueList<string> Grants)
{
    [JsonIgnore]
    public string Key => Schema is null ? $"{Role} {ObjectType}" : $"{Role} in {Schema} {ObjectType}";
}
