using FluentMigrator.Expressions;
using Migrations.Runner.Catalog;
using Migrations.Runner.History;

namespace Migrations.Runner.Execution;

/// <summary>
/// The rows a migration's own transaction writes besides its SQL: its <c>VersionInfo</c> row, as FluentMigrator writes
/// it, and its checksum (none for a migration whose SQL has no checksum).
/// </summary>
internal sealed record Bookkeeping(IMigrationExpression VersionRow, string? ChecksumRow)
{
    /// <param name="migration">The migration recorded as applied.</param>
    /// <param name="checksums">The set's checksums.</param>
    /// <param name="recordedBy">Who records the checksum: <c>up</c>, or <c>baseline</c> for a migration recorded without running.</param>
    /// <param name="table">The set's version table.</param>
    public static Bookkeeping Applied(
        MigrationDefinition migration, IReadOnlyDictionary<long, string> checksums, VersionTable table, string recordedBy = "up") =>
        new(
            VersionHistory.InsertExpression(migration.Version, migration.Description, table),
            checksums.TryGetValue(migration.Version, out var checksum)
                ? ChecksumStore.RecordSql(migration.Version, checksum, recordedBy)
                : null);

    public static Bookkeeping Reverted(MigrationDefinition migration, VersionTable table) =>
        new(VersionHistory.DeleteExpression(migration.Version, table), ChecksumStore.DeleteSql(migration.Version));

    public void Write(SqlProcessor processor)
    {
        ArgumentNullException.ThrowIfNull(processor);
        VersionRow.ExecuteWith(processor);
        if (ChecksumRow is not null)
        {
            processor.Execute(ChecksumRow);
        }
    }
}
