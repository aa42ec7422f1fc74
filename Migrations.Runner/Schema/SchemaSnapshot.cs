using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Migrations.Runner.Schema;

/// <summary>
/// What a database's schema is, as read from pg_catalog by <see cref="SchemaReader"/>: immutable, in a deterministic
/// order, equal (<c>==</c>) for two databases built by the same SQL, and round-trippable through JSON.
/// </summary>
/// <remarks>
/// <para>Names are schema-qualified and unquoted ("public.users"); definitions are PostgreSQL's own rendering
/// (pg_get_indexdef, pg_get_constraintdef, ...) with every name schema-qualified, view definitions in the form every
/// supported version shares (<see cref="ViewDefinition"/>).</para>
/// <para><c>ServerVersion</c>: server_version_num of the server read (150018 for 15.18); null in snapshots saved before
/// it was recorded. It tells <see cref="SchemaComparer.VersionNotes"/> what a comparison across versions leaves out.</para>
/// </remarks>
public sealed record SchemaSnapshot(
    ValueList<ExtensionInfo> Extensions,
    ValueList<SchemaInfo> Schemas,
    ValueList<EnumInfo> Enums,
    ValueList<DomainInfo> Domains,
    ValueList<CompositeTypeInfo> CompositeTypes,
    ValueList<SequenceInfo> Sequences,
    ValueList<TableInfo> Tables,
    ValueList<ViewInfo> Views,
    ValueList<IndexInfo> Indexes,
    ValueList<FunctionInfo> Functions,
    ValueList<TriggerInfo> Triggers,
    ValueList<PolicyInfo> Policies,
    int? ServerVersion = null)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Definitions are full of quotes and operators; escaping them (\u0027) would make the file unreadable in a diff.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    // Kinds read since the first snapshots were saved: a file without them reads as holding none.
    public ValueList<CollationInfo> Collations { get; init; } = [];

    public ValueList<AggregateInfo> Aggregates { get; init; } = [];

    public ValueList<TextSearchInfo> TextSearch { get; init; } = [];

    public ValueList<RuleInfo> Rules { get; init; } = [];

    public ValueList<StatisticsInfo> Statistics { get; init; } = [];

    public ValueList<PublicationInfo> Publications { get; init; } = [];

    public ValueList<DefaultPrivilegeInfo> DefaultPrivileges { get; init; } = [];

    /// <summary>Indented JSON; equal snapshots give byte-equal text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <exception cref="FormatException">The text is not a snapshot written by <see cref="ToJson"/>; the message is one line.</exception>
    public static SchemaSnapshot FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<SchemaSnapshot>(json, JsonOptions)
                ?? throw new FormatException("not a schema snapshot: the JSON is null");
        }
        catch (JsonException e)
        {
            throw new FormatException("not a schema snapshot: " + e.Message.ReplaceLineEndings(" "), e);
        }
    }
}

/// <summary>Owner and grants, present only when the snapshot was read with <see cref="SnapshotOptions.IncludePrivileges"/>.</summary>
/// <remarks>
/// <para><c>Grants</c>: ACL items as PostgreSQL prints them ("role=arwd/grantor"), sorted; the default ACL is spelled out,
/// so "never granted" and "granted then revoked back to the default" are equal.</para>
/// </remarks>
public sealed record PrivilegeInfo(string Owner, ValueList<string> Grants);

public sealed record ExtensionInfo(string Name, string Schema, string Version, string? Comment);

public sealed record SchemaInfo(string Name, string? Comment, PrivilegeInfo? Privileges);

public sealed record EnumInfo(string Schema, string Name, ValueList<string> Labels, string? Comment, PrivilegeInfo? Privileges)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

public sealed record DomainCheck(string Name, string Definition);

public sealed record DomainInfo(
    string Schema,
    string Name,
    string BaseType,
    bool NotNull,
    string? Default,
    string? Collation,
    ValueList<DomainCheck> Checks,
    string? Comment,
    PrivilegeInfo? Privileges)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

public sealed record AttributeInfo(string Name, string Type, string? Collation);

public sealed record CompositeTypeInfo(
    string Schema,
    string Name,
    ValueList<AttributeInfo> Attributes,
    string? Comment,
    PrivilegeInfo? Privileges)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

/// <remarks>
/// <para><c>OwnedBy</c>: The column the sequence belongs to (serial, identity, OWNED BY), as "schema.table.column".</para>
/// </remarks>
public sealed record SequenceInfo(
    string Schema,
    string Name,
    string Type,
    long Start,
    long Increment,
    long Minimum,
    long Maximum,
    long Cache,
    bool Cycle,
    string? OwnedBy,
    string? Comment,
    PrivilegeInfo? Privileges)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

public enum TableKind
{
    Ordinary,
    Partitioned,
    /// <summary>
    /// A partition of a partitioned table; it may itself be partitioned (then <see cref="TableInfo.PartitionKey"/> is set).
    /// </summary>
    Partition,
}

/// <remarks>
/// <para><c>PartitionKey</c>: pg_get_partkeydef, e.g. "RANGE (created_at)"; null unless the table is partitioned.</para>
/// <para><c>PartitionBound</c>: e.g. "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"; null unless the table is a partition.</para>
/// <para><c>Inherits</c>: Parent tables ("schema.table") in inheritance order, the partitioned parent for a partition.</para>
/// <para><c>Options</c>: Storage parameters ("fillfactor=70").</para>
/// <para><c>ReplicaIdentity</c>: "nothing", "full" or "using index name"; null for the default (the primary key).</para>
/// </remarks>
public sealed record TableInfo(
    string Schema,
    string Name,
    TableKind Kind,
    string? PartitionKey,
    string? PartitionBound,
    ValueList<string> Inherits,
    bool Unlogged,
    ValueList<string> Options,
    bool RowSecurity,
    bool ForceRowSecurity,
    string? Comment,
    PrivilegeInfo? Privileges,
    ValueList<ColumnInfo> Columns,
    ValueList<ConstraintInfo> Constraints,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReplicaIdentity = null)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

/// <remarks>
/// <para><c>Position</c>: 1-based among the columns that exist, so a dropped column leaves no gap (a restored dump has none).</para>
/// <para><c>Default</c>: Null for identity and generated columns.</para>
/// <para><c>Identity</c>: "always" or "by default"; null when not an identity column.</para>
/// <para><c>Generated</c>: The expression of a generated column.</para>
/// <para><c>Collation</c>: Only when it differs from the type's default collation.</para>
/// <para><c>Grants</c>: Column-level grants; null unless privileges were read.</para>
/// <para><c>Virtual</c>: A generated column computed when read, not stored (PostgreSQL 18). Left out of the JSON when
/// false, so snapshots of earlier versions read and write as before.</para>
/// <para><c>Storage</c>: plain, external, main or extended, only where it differs from the type's (SET STORAGE).</para>
/// <para><c>Compression</c>: pglz or lz4 where set (SET COMPRESSION); null for the server's default_toast_compression.</para>
/// <para><c>StatisticsTarget</c>: Set by SET STATISTICS; null for the default.</para>
/// </remarks>
public sealed record ColumnInfo(
    string Name,
    int Position,
    string Type,
    bool NotNull,
    string? Default,
    string? Identity,
    string? Generated,
    string? Collation,
    string? Comment,
    ValueList<string>? Grants,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Virtual = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Storage = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Compression = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StatisticsTarget = null);

public enum ConstraintKind
{
    PrimaryKey,
    ForeignKey,
    Unique,
    Check,
    Exclusion,
}

/// <remarks>
/// <para><c>Definition</c>: pg_get_constraintdef: includes actions, DEFERRABLE and NOT VALID.</para>
/// <para><c>ReferencedTable</c>: "schema.table" for a foreign key.</para>
/// <para><c>OnDelete</c>: For a foreign key: NO ACTION, RESTRICT, CASCADE, SET NULL or SET DEFAULT.</para>
/// </remarks>
public sealed record ConstraintInfo(
    string Name,
    ConstraintKind Kind,
    string Definition,
    ValueList<string> Columns,
    string? ReferencedTable,
    ValueList<string> ReferencedColumns,
    string? OnDelete,
    string? OnUpdate,
    string? Comment);

/// <remarks>
/// <para><c>Table</c>: The table or materialized view, in the same schema as the index.</para>
/// <para><c>Valid</c>: False after a failed CREATE INDEX CONCURRENTLY: the index exists but the planner ignores it.</para>
/// </remarks>
public sealed record IndexInfo(string Schema, string Table, string Name, string Definition, bool Valid, string? Comment)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

/// <remarks>
/// <para><c>Definition</c>: pg_get_viewdef, pretty-printed: the SELECT only.</para>
/// <para><c>Options</c>: security_barrier, check_option, security_invoker, ...</para>
/// </remarks>
public sealed record ViewInfo(
    string Schema,
    string Name,
    bool Materialized,
    string Definition,
    ValueList<string> Options,
    string? Comment,
    PrivilegeInfo? Privileges,
    ValueList<ColumnInfo> Columns)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Name}";
}

public enum FunctionKind
{
    Function,
    Procedure,
}

/// <remarks>
/// <para><c>ArgumentTypes</c>: The input types that identify an overload, e.g. "integer, text".</para>
/// <para><c>Arguments</c>: As declared, with names, modes and defaults.</para>
/// <para><c>Result</c>: The RETURNS clause; null for a procedure.</para>
/// <para><c>Definition</c>: pg_get_functiondef: the complete CREATE OR REPLACE statement, body as written.</para>
/// </remarks>
public sealed record FunctionInfo(
    string Schema,
    string Name,
    FunctionKind Kind,
    string ArgumentTypes,
    string Arguments,
    string? Result,
    string Language,
    string Definition,
    string? Comment,
    PrivilegeInfo? Privileges)
{
    /// <summary>What tells overloads apart: "public.add(integer, integer)".</summary>
    [JsonIgnore]
    public string Signature => $"{Schema}.{Name}({ArgumentTypes})";
}

/// <summary>pg_trigger.tgenabled.</summary>
public enum TriggerState
{
    Enabled,
    Disabled,
    /// <summary>Fires only when session_replication_role is replica.</summary>
    Replica,
    /// <summary>Fires whatever session_replication_role is.</summary>
    Always,
}

/// <remarks>
/// <para><c>Table</c>: The table or view, in the same schema as the trigger.</para>
/// </remarks>
public sealed record TriggerInfo(string Schema, string Table, string Name, string Definition, TriggerState State, string? Comment)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Table}.{Name}";
}

/// <remarks>
/// <para><c>Command</c>: ALL, SELECT, INSERT, UPDATE or DELETE.</para>
/// <para><c>Roles</c>: Role names, sorted; "public" for everyone.</para>
/// </remarks>
public sealed record PolicyInfo(
    string Schema,
    string Table,
    string Name,
    string Command,
    bool Permissive,
    ValueList<string> Roles,
    string? Using,
    string? WithCheck,
    string? Comment)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Table}.{Name}";
}
