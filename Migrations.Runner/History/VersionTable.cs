using FluentMigrator.Runner.Generators.Postgres;
using FluentMigrator.Runner.Processors.Postgres;
using FluentMigrator.Runner.VersionTableInfo;

namespace Migrations.Runner.History;

/// <summary>
/// Where FluentMigrator keeps its version rows for a set: <c>public."VersionInfo"</c> by default, or what the assembly's
/// [VersionTableMetaData] class (or its conventions' default schema) names. The runner's own checksum tables stay in
/// <c>public</c> whatever the version table.
/// </summary>
public sealed record VersionTable(
    string Schema,
    string Table,
    string VersionColumn,
    string AppliedOnColumn,
    string DescriptionColumn,
    string UniqueIndex,
    bool PrimaryKey)
{
    public static VersionTable Default { get; } = new("public", "VersionInfo", "Version", "AppliedOn", "Description", "UC_Version", false);

    /// <summary>Where FluentMigrator's version loader would look; an empty schema is the connection's, public.</summary>
    public static VersionTable From(IVersionTableMetaData metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var table = new VersionTable(
            string.IsNullOrEmpty(metadata.SchemaName) ? "public" : metadata.SchemaName,
            metadata.TableName,
            metadata.ColumnName,
            metadata.AppliedOnColumnName,
            metadata.DescriptionColumnName,
            metadata.UniqueIndexName,
            metadata.CreateWithPrimaryKey);
        return table == Default ? Default : table;
    }

    public bool IsDefault => ReferenceEquals(this, Default) || this == Default;

    /// <summary>The table, quoted as FluentMigrator's generator quotes it (the default as the runner always wrote it).</summary>
    public string Qualified => IsDefault ? $"{Schema}.\"{Table}\"" : $"{Quote(Schema)}.{Quote(Table)}";

    /// <summary>As <see cref="Qualified"/>, for to_regclass.</summary>
    public string RegClass => $"{Quote(Schema)}.{Quote(Table)}";

    /// <summary>Creates the table as FluentMigrator's version migrations do (schema, table, index, AppliedOn, Description).</summary>
    public string CreateSql =>
        (Schema == "public" ? "" : $"CREATE SCHEMA IF NOT EXISTS {Quote(Schema)};\n")
        + $"CREATE TABLE IF NOT EXISTS {Qualified} ({Quote(VersionColumn)} bigint NOT NULL"
        + (PrimaryKey ? $", CONSTRAINT {Quote(UniqueIndex)} PRIMARY KEY ({Quote(VersionColumn)})" : "") + ");\n"
        + $"ALTER TABLE {Qualified} ADD COLUMN IF NOT EXISTS {Quote(AppliedOnColumn)} timestamp,\n"
        + $"    ADD COLUMN IF NOT EXISTS {Quote(DescriptionColumn)} varchar(1024);\n"
        + $"CREATE UNIQUE INDEX IF NOT EXISTS {Quote(UniqueIndex)} ON {Qualified} ({Quote(VersionColumn)} ASC);";

    internal static string Quote(string name) => Quoter.Quote(name);

    private static readonly PostgresQuoter Quoter = new(new PostgresOptions());
}
