using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Runner;

/// <summary>How a failure is reported: the SQLSTATE and the line of the file, a stack trace only when asked, never the password.</summary>
public class ErrorReportingTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_sql_error_names_the_sqlstate_and_the_line_in_the_file()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "up", "--assembly", Cli.SamplesAssembly);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains(
            "migration 1100 S1100_BrokenScript (Samples.S1100_BrokenScript.sql) failed: 42P01 relation \"no_such_table\" does not exist",
            result.Error,
            StringComparison.Ordinal);
        Assert.Contains("at Samples.S1100_BrokenScript.sql line 4, column 47", result.Error, StringComparison.Ordinal);
        Assert.False(await Db.ScalarAsync<bool>(database, "SELECT to_regclass('sample_broken') IS NOT NULL"));
        Assert.DoesNotContain(1100L, await Db.AppliedVersionsAsync(database));
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace()
    {
        var database = await db.CreateDatabaseAsync();

        var result = await Cli.RunAsync(database, "up", "--assembly", Cli.SamplesAssembly, "--verbose");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_password_never_appears_in_any_output()
    {
        const string password = "Sup3rSecretPassw0rd";
        var database = await db.CreateDatabaseAsync();
        var missingDatabase = new NpgsqlConnectionStringBuilder(database) { Database = "no_such_db_here", Password = password }
            .ConnectionString;
        var badPort = new NpgsqlConnectionStringBuilder(database) { Port = 1, Password = password, Timeout = 2 }.ConnectionString;
        var withPassword = new NpgsqlConnectionStringBuilder(database) { Password = password }.ConnectionString;

        var results = new[]
        {
            await Cli.RunAsync(missingDatabase, "up", "--verbose"),
            await Cli.RunAsync(badPort, "status", "--verbose"),
            await Cli.RunWithAsync(null, null, "status", "--connection", $"Host=localhost;Password={password};Bogus=1"),
            await Cli.RunAsync(withPassword, "up", "--assembly", Cli.SamplesAssembly, "--verbose"),
        };

        Assert.All(results, r => Assert.NotEqual(ExitCodes.Success, r.ExitCode));
        Assert.All(results, r => Assert.DoesNotContain(password, r.All, StringComparison.Ordinal));
        Assert.Contains("no_such_db_here", results[0].Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, results[2].ExitCode);
    }
}
