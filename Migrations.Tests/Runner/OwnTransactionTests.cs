using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Runner;

/// <summary>
/// Scripts with their own BEGIN and COMMIT, common in real histories, run as psql runs them, and every message says
/// truthfully what stayed applied.
/// </summary>
public sealed class OwnTransactionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_script_with_its_own_BEGIN_and_COMMIT_runs_and_is_recorded_once_its_work_committed()
    {
        var (database, assembly) = await PrepareAsync(
            Migration(1, """Execute.Sql("BEGIN; CREATE TABLE own_a (id int); COMMIT; BEGIN; CREATE TABLE own_b (id int); COMMIT;")"""),
            Migration(2, """Execute.Sql("CREATE TABLE after_own (id int)")"""));

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly);

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Equal([1L, 2L], await Db.AppliedVersionsAsync(database));
        const string Tables = "SELECT count(*) FROM pg_tables WHERE tablename IN ('own_a', 'own_b', 'after_own')";
        Assert.Equal(3, await Db.ScalarAsync<long>(database, Tables));
    }

    [Fact]
    public async Task A_failure_after_its_own_COMMIT_says_what_stayed_and_is_not_recorded()
    {
        var (database, assembly) = await PrepareAsync(Migration(
            1, """Execute.Sql("BEGIN; CREATE TABLE kept (id int); COMMIT; BEGIN; CREATE TABLE lost (id int); SELECT 1 / 0; COMMIT;")"""));

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly);

        Assert.Equal(1, up.ExitCode);
        Assert.Contains("22012 division by zero", up.Error, StringComparison.Ordinal);
        Assert.Contains("what it committed before the failing statement stays applied", up.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("are as before it", up.Error, StringComparison.Ordinal);
        const string Tables = "SELECT string_agg(tablename, ',') FROM pg_tables WHERE tablename IN ('kept', 'lost')";
        Assert.Equal("kept", await Db.ScalarAsync<string>(database, Tables));
        Assert.Empty(await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task A_transaction_left_open_is_rolled_back_as_psql_would_and_the_migration_is_not_recorded()
    {
        var (database, assembly) = await PrepareAsync(Migration(1, """Execute.Sql("BEGIN; CREATE TABLE never_committed (id int);")"""));

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly);

        Assert.Equal(1, up.ExitCode);
        Assert.Contains("begins a transaction it does not end", up.Error, StringComparison.Ordinal);
        Assert.Null(await Db.ScalarAsync<string>(database, "SELECT to_regclass('never_committed')::text"));
        Assert.Empty(await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Csharp_that_commits_the_runners_transaction_is_caught_before_its_bookkeeping()
    {
        var (database, assembly) = await PrepareAsync(Migration(
            1, """Execute.Sql("CREATE TABLE committed_by_csharp (id int)"); Execute.WithConnection((_, t) => t.Commit())"""));

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly);

        Assert.Equal(1, up.ExitCode);
        Assert.True(up.Error.Contains("it ended the runner's transaction itself", StringComparison.Ordinal), up.ToString());
        Assert.Contains("what it committed stays applied", up.Error, StringComparison.Ordinal);
        Assert.Empty(await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task An_error_in_inline_sql_names_its_line_and_column_within_the_statement()
    {
        var (database, assembly) = await PrepareAsync(Migration(
            1, """Execute.Sql("CREATE TABLE fine (id int);\nCREATE TABLE broken (\n    id int,\n    name txet\n);")"""));

        var up = await Cli.RunAsync(database, "up", "--assembly", assembly);

        Assert.Equal(1, up.ExitCode);
        Assert.Contains("42704 type \"txet\" does not exist", up.Error, StringComparison.Ordinal);
        Assert.Contains("  at line 3, column 10 of its inline statement: CREATE TABLE broken (", up.Error, StringComparison.Ordinal);
    }

    private static string Migration(long version, string up) => $$"""
        [Migration({{version}})]
        public sealed class M{{version:0000}}_Own : Migration
        {
            public override void Up() { {{up}}; }

            public override void Down() { }
        }

        """;

    private async Task<(string Database, string Assembly)> PrepareAsync(params string[] migrations)
    {
        var folder = Directory.CreateTempSubdirectory("own-transactions-").FullName;
        var file = Path.Combine(folder, "Own.cs");
        await File.WriteAllTextAsync(file, "using FluentMigrator;\n\nnamespace Own;\n\n" + string.Concat(migrations));
        var compiled = Compiler.Compile("Own" + Guid.NewGuid().ToString("N")[..8], [file]);
        Assert.True(compiled.AssemblyPath is not null, string.Join("\n", compiled.Diagnostics));
        return (await db.CreateDatabaseAsync(), compiled.AssemblyPath);
    }
}
