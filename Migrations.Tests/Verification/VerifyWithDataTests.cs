using Migrations.Runner.Cli;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Verification;

/// <summary>
/// verify --with-data: rows seeded into every table before each Down (keys, foreign keys, checks, enums, identities
/// respected) catch a Down that drops and recreates a table it should have left alone, which the schema alone cannot.
/// </summary>
public class VerifyWithDataTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string Source = """
        using FluentMigrator;

        namespace Seeded;

        [Migration(1)]
        public sealed class M0001_Users : Migration
        {
            public override void Up() => Execute.Sql(@"CREATE TYPE mood AS ENUM ('happy', 'sad');
                CREATE TABLE users (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(20) NOT NULL CHECK (name <> ''),
                    mood mood NOT NULL, born date NOT NULL)");
            public override void Down() => Execute.Sql("DROP TABLE users; DROP TYPE mood");
        }

        [Migration(2)]
        public sealed class M0002_Posts : Migration
        {
            public override void Up() => Execute.Sql(@"CREATE TABLE posts (id bigint PRIMARY KEY,
                user_id int NOT NULL REFERENCES users, body text NOT NULL, token uuid NOT NULL UNIQUE)");
            public override void Down() => Execute.Sql("DROP TABLE posts");
        }

        [Migration(3)]
        public sealed class M0003_IndexesPostsButDownRecreatesThem : Migration
        {
            public override void Up() => Execute.Sql("CREATE INDEX posts_body ON posts (body)");
            public override void Down() => Execute.Sql(@"DROP TABLE posts; CREATE TABLE posts (id bigint PRIMARY KEY,
                user_id int NOT NULL REFERENCES users, body text NOT NULL, token uuid NOT NULL UNIQUE)");
        }

        [Migration(4)]
        public sealed class M0004_Flags : Migration
        {
            public override void Up() => Execute.Sql("CREATE TABLE flags (active boolean NOT NULL UNIQUE)");
            public override void Down() => Execute.Sql("DROP TABLE flags");
        }

        [Migration(5)]
        public sealed class M0005_Nicknames : Migration
        {
            public override void Up() => Execute.Sql("ALTER TABLE users ADD COLUMN nick text");
            public override void Down() => Execute.Sql("ALTER TABLE users DROP COLUMN nick");
        }
        """;

    [Fact]
    public async Task Verify_with_data_fails_a_down_that_recreates_a_table_and_names_the_tables_it_could_not_fill()
    {
        var assembly = Compiler.CompileSource("VerifySeeded", Source);

        var schemaOnly = await Cli.RunAsync(db.ServerConnectionString, "verify", "--assembly", assembly);
        var withData = await Cli.RunAsync(db.ServerConnectionString, "verify", "--assembly", assembly, "--with-data");

        Assert.True(schemaOnly.ExitCode == ExitCodes.Success, schemaOnly.ToString());
        Assert.True(withData.ExitCode == ExitCodes.CheckFailed, withData.ToString());
        Assert.Contains("  3 M0003_IndexesPostsButDownRecreatesThem: down loses rows of a table its up does not change", withData.Out,
            StringComparison.Ordinal);
        Assert.Contains("table public.posts: kept 0 of the 3 rows seeded before the down", withData.Out, StringComparison.Ordinal);
        Assert.Contains("1 version failed", withData.Out, StringComparison.Ordinal);
        Assert.Contains("could not fill table public.flags (23505", withData.Out, StringComparison.Ordinal);
    }
}
