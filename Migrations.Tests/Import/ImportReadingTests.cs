using Migrations.Runner.Import;

namespace Migrations.Tests.Import;

/// <summary>
/// Each format read as its tool reads it, without a database: order, pairing, directives, modes, and what the audit names.
/// </summary>
public sealed class ImportReadingTests
{
    private static ImportPlan Plan(string fixture, SourceFormat? format = null) =>
        ImportService.Plan(new ImportOptions(ImportHarness.Fixture(fixture), format, "unused"), new ImportTarget("unused", false, 0, 3));

    private static string Origins(ImportPlan plan) => string.Join(" ", plan.Migrations.Select(m => m.Source.Up.Origin));

    [Fact]
    public void Golang_migrate_orders_unpadded_numbers_numerically_pairs_by_version_and_keeps_bytes()
    {
        var plan = Plan("golang-migrate");

        Assert.Equal(SourceFormat.GolangMigrate, plan.Format.Format);
        Assert.Equal("1_create_users.up.sql 2_users_email_index.up.sql 10_normalize_email.up.sql", Origins(plan));
        Assert.Equal("2_drop_the_index.down.sql", plan.Migrations[1].Source.Down!.Origin);
        Assert.Contains("\r\n", plan.Migrations[0].Source.Up.Text, StringComparison.Ordinal);
        Assert.StartsWith("\uFEFF", plan.Migrations[2].Source.Up.Text, StringComparison.Ordinal);
        Assert.Equal(ScriptMode.NoTransaction, plan.Migrations[1].Up.Mode);
        Assert.Equal(ScriptMode.NoTransaction, plan.Migrations[1].Down!.Mode);
        // The dollar-quoted body's semicolons, the comment's and the string's end nothing: two statements.
        Assert.Equal(ScriptMode.Transaction, plan.Migrations[2].Up.Mode);
        Assert.Equal(2, plan.Migrations[2].Up.NotIdempotent.Count);
    }

    [Fact]
    public void Goose_cuts_sections_honours_no_transaction_and_leaves_go_migrations_out_named()
    {
        var plan = Plan("goose");

        Assert.Equal("00001_create_accounts.sql 00002_accounts_balance_index.sql 00004_nothing_yet.sql", Origins(plan));
        var first = plan.Migrations[0];
        Assert.DoesNotContain("+goose Up", first.Source.Up.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Accounts and their balance", first.Source.Up.Text, StringComparison.Ordinal);
        Assert.StartsWith("DROP TRIGGER", first.Source.Down!.Text, StringComparison.Ordinal);
        var index = plan.Migrations[1];
        Assert.Contains(index.Up.Reasons, r => r.Kind == ReasonKind.ToolDirective && r.What == "-- +goose NO TRANSACTION");
        Assert.True(index.Up.Mixed);
        Assert.Equal(3, Assert.Single(index.Up.SessionSets).Line);
        Assert.False(plan.Migrations[2].Up.HasCode);
        Assert.Equal(0, plan.Migrations[2].Down!.Bytes);
        Assert.Equal(SkipReason.GoMigration, Assert.Single(plan.Folder.Skipped).Reason);
        Assert.Contains(("2", "4"), plan.Gaps);
    }

    [Fact]
    public void Sql_migrate_joins_repeated_sections_sorts_naturally_and_keeps_the_down_of_a_notransaction_up_in_a_transaction()
    {
        var plan = Plan("sql-migrate");

        Assert.Equal("1_init.sql 2_authors_name_index.sql 10_comments.sql", Origins(plan));
        var init = plan.Migrations[0];
        Assert.Contains("CREATE TABLE authors", init.Source.Up.Text, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE tags", init.Source.Up.Text, StringComparison.Ordinal);
        Assert.Equal([2, 8], init.Up.NotIdempotent.Select(s => s.Line));
        var index = plan.Migrations[1];
        Assert.False(index.Transactional);
        Assert.Equal(ScriptMode.Transaction, index.Down!.Mode);
        Assert.True(index.Wraps(index.Down));
        Assert.Contains("作者", plan.Migrations[2].Source.Up.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dbmate_reads_transaction_false_per_direction_and_a_script_with_its_own_commit()
    {
        var plan = Plan("dbmate");

        Assert.Equal("20230101000000", plan.Migrations[0].Source.HistoryId);
        Assert.Equal(ScriptMode.NoTransaction, plan.Migrations[1].Up.Mode);
        Assert.Contains(plan.Migrations[1].Down!.Reasons, r => r.What == "-- migrate:down transaction:false");
        Assert.Equal(ScriptMode.OwnTransactions, plan.Migrations[2].Up.Mode);
        Assert.True(plan.Migrations[2].Transactional);
    }

    [Fact]
    public void Flyway_orders_dotted_and_underscored_versions_pairs_undo_files_and_reports_repeatables()
    {
        var plan = Plan("flyway");

        Assert.Equal(["1", "1.1", "1_2", "2", "3"], plan.Migrations.Select(m => m.Source.Version));
        Assert.Equal("1.2", plan.Migrations[2].Source.HistoryId);
        Assert.Equal("U1_2__drop_email_index.sql", plan.Migrations[2].Source.Down!.Origin);
        Assert.Equal("R__customer_count.sql", Assert.Single(plan.Folder.Repeatables));
        Assert.Equal(0, plan.Migrations[4].Up.Bytes);
        Assert.Equal(DownState.Present, plan.Migrations[4].DownState);
    }

    [Fact]
    public void Diesel_orders_by_folder_version_puts_the_initial_setup_first_and_reads_run_in_transaction()
    {
        var plan = Plan("diesel");

        Assert.Equal(["00000000000000", "20230101120000", "20230201093000"], plan.Migrations.Select(m => m.Source.HistoryId));
        Assert.Contains(plan.Migrations[2].Up.Reasons, r => r.Kind == ReasonKind.ToolDirective);
        Assert.False(plan.Migrations[2].Transactional);
    }

    [Fact]
    public void A_messy_plain_folder_keeps_a_duplicate_number_lists_the_missing_rollback_and_skips_what_is_not_sql()
    {
        var plan = Plan("plain");

        Assert.Equal(SourceFormat.Plain, plan.Format.Format);
        Assert.Equal("001-Create Orders.sql 002_add_status.sql 002_hotfix.sql 3_AddIndex.sql 004_placeholder.sql", Origins(plan));
        Assert.Equal("rollback/001_rollback.sql", plan.Migrations[0].Source.Down!.Origin);
        Assert.Equal(DownState.Missing, plan.Migrations[2].DownState);
        Assert.Equal(["002_add_status.sql", "002_hotfix.sql"], Assert.Single(plan.Duplicates).Origins);
        Assert.Equal("NOTES.txt", Assert.Single(plan.Folder.Skipped).Origin);
        Assert.Equal(["001_create_orders.sql", "002_add_status.sql", "003_hotfix.sql", "004_addindex.sql", "005_placeholder.sql"],
            plan.Migrations.Select(m => m.FileName));
    }

    [Fact]
    public void Extensions_used_but_never_created_are_named_and_a_prelude_becomes_migration_1()
    {
        var folder = Directory.CreateTempSubdirectory("import-ext-").FullName;
        File.WriteAllText(Path.Combine(folder, "1_search.up.sql"), "CREATE INDEX t_name_trgm ON t USING gin (name gin_trgm_ops);\n");
        File.WriteAllText(Path.Combine(folder, "1_search.down.sql"), "DROP INDEX t_name_trgm;\n");
        var prelude = Path.Combine(folder, "prelude.sql.txt");
        File.WriteAllText(prelude, "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n");

        var bare = ImportService.Plan(new ImportOptions(folder, null, "unused"), new ImportTarget("unused", false, 0, 3));
        var withPrelude = ImportService.Plan(new ImportOptions(folder, null, "unused", prelude), new ImportTarget("unused", false, 0, 3));

        Assert.Equal("pg_trgm", Assert.Single(bare.Migrations[0].Up.UsesExtensions));
        Assert.True(withPrelude.Migrations[0].IsPrelude);
        Assert.Equal(["pg_trgm"], withPrelude.Migrations[0].Up.CreatesExtensions);
        Assert.Equal(2, withPrelude.Migrations[1].Version);
    }
}
