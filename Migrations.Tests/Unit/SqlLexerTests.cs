using Migrations.Authoring;

namespace Migrations.Tests.Unit;

/// <summary>The lexer against PostgreSQL's scanning rules and psql's statement splitting, with no database.</summary>
public class SqlLexerTests
{
    private const string Script = """
        -- 0001: accounts
        /* Author: someone; reviewed */
        CREATE TABLE account (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            "display;name" text NOT NULL DEFAULT 'it''s',
            legacy$id int,
            balance numeric(12, 2) CHECK (balance >= 0.00)
        );

        CREATE INDEX CONCURRENTLY account_legacy_ix ON account (legacy$id);

        CREATE OR REPLACE FUNCTION set_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            NEW.updated := now(); -- keep; fresh
            RAISE NOTICE 'updated %', NEW.id;
            RETURN NEW;
        END
        $fn$;

        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app$user') THEN
                EXECUTE $sql$CREATE ROLE "app$user"; $sql$;
            END IF;
        END $$;

        COMMENT ON TABLE account IS E'it\'s; the \\ table';
        INSERT INTO account ("display;name", balance) VALUES (U&'Zo\00EB; x', 1e3), ($$dollar; name$$, .5); /* done; */
        -- trailing note; not a statement
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_realistic_script_splits_into_its_statements_with_offsets_lines_and_keywords(bool crlf)
    {
        var sql = "\uFEFF" + (crlf ? Script.ReplaceLineEndings("\r\n") : Script);

        var statements = SqlLexer.Split(sql);

        Assert.Equal(
            ["CREATE TABLE ACCOUNT", "CREATE INDEX CONCURRENTLY", "CREATE OR REPLACE", "DO", "COMMENT ON TABLE", "INSERT INTO ACCOUNT", ""],
            statements.Select(statement => string.Join(' ', statement.Keywords(3))));
        Assert.Equal([1, 10, 12, 20, 27, 28, 28], statements.Select(statement => statement.Line));
        Assert.Equal([true, true, true, true, true, true, false], statements.Select(statement => statement.HasCode));
        Assert.Equal(1, statements[0].Offset);
        Assert.StartsWith("-- 0001: accounts", statements[0].Text, StringComparison.Ordinal);
        Assert.EndsWith(")", statements[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("$fn$", statements[2].Text, StringComparison.Ordinal);
        Assert.EndsWith("END $$", statements[3].Text, StringComparison.Ordinal);
        Assert.Equal(@"COMMENT ON TABLE account IS E'it\'s; the \\ table'", statements[4].Text);
        Assert.EndsWith("($$dollar; name$$, .5)", statements[5].Text, StringComparison.Ordinal);
        Assert.Equal(
            crlf ? "/* done; */\r\n-- trailing note; not a statement" : "/* done; */\n-- trailing note; not a statement",
            statements[6].Text);
        Assert.All(statements, statement => Assert.Equal(statement.Text, sql.Substring(statement.Offset, statement.Text.Length)));
        Assert.True(SqlLexer.EndsWithSemicolon(sql));
        Assert.False(SqlLexer.HasUnterminated(sql));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tokens_cover_a_realistic_script_exactly_and_in_order(bool crlf)
    {
        var sql = "\uFEFF" + (crlf ? Script.ReplaceLineEndings("\r\n") : Script);

        AssertCoversExactly(sql);
        Assert.Contains(
            Tokens(Script),
            token => token.Kind == SqlTokenKind.DollarQuoted && token.Text.StartsWith("$$\nBEGIN\n", StringComparison.Ordinal)
                && token.Text.EndsWith("END IF;\nEND $$", StringComparison.Ordinal));
        Assert.Contains((SqlTokenKind.Word, "legacy$id"), Tokens(Script));
        Assert.Contains((SqlTokenKind.QuotedIdentifier, "\"display;name\""), Tokens(Script));
    }

    [Theory]
    [InlineData("")]
    [InlineData("SELECT 'abc")]
    [InlineData("SELECT $a$ never closed $b$")]
    [InlineData("/* /* */ still open")]
    [InlineData(@"SELECT E'ends in a backslash\")]
    [InlineData("U&\"open")]
    [InlineData("-- no newline")]
    [InlineData("x$$y$1$$2$a.5..6e+7E-8 U& & u&x")]
    public void Tokens_cover_edge_inputs_exactly(string sql) => AssertCoversExactly(sql);

    [Fact]
    public void Random_input_is_covered_exactly_and_split_into_substrings_of_it()
    {
        const string alphabet = "'\"$;-/*\\\n\r eEuU&bx_1.(),aé\uFEFF";
        var random = new Random(20240611);
        for (var run = 0; run < 3000; run++)
        {
            var sql = string.Concat(Enumerable.Range(0, random.Next(40)).Select(_ => alphabet[random.Next(alphabet.Length)]));

            AssertCoversExactly(sql);
            foreach (var statement in SqlLexer.Split(sql))
            {
                Assert.Equal(statement.Text, sql.Substring(statement.Offset, statement.Text.Length));
                Assert.Equal(1 + sql[..statement.Offset].Count(c => c == '\n'), statement.Line);
                Assert.NotEqual(string.Empty, statement.Text.Trim());
            }
        }
    }

    [Fact]
    public void Semicolon_inside_dollar_quoted_body_does_not_split()
    {
        const string sql = """
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END;
            $$;
            SELECT 1;
            """;

        var texts = Texts(sql);

        Assert.Equal(2, texts.Length);
        Assert.StartsWith("CREATE FUNCTION touch()", texts[0], StringComparison.Ordinal);
        Assert.EndsWith("END;\n$$", texts[0], StringComparison.Ordinal);
        Assert.Equal("SELECT 1", texts[1]);
    }

    [Fact]
    public void Do_block_with_nested_dollar_quotes_of_other_tags_is_one_statement()
    {
        const string sql = """
            DO $outer$
            BEGIN
                EXECUTE $inner$ CREATE TABLE t (id int); $inner$;
                RAISE NOTICE $msg$ done; $$ is not the end $msg$;
            END
            $outer$;
            SELECT 2;
            """;

        var texts = Texts(sql);

        Assert.Equal([sql[..sql.IndexOf("$outer$;", StringComparison.Ordinal)] + "$outer$", "SELECT 2"], texts);
        Assert.Equal((SqlTokenKind.DollarQuoted, texts[0][3..]), Tokens(sql)[2]);
    }

    [Theory]
    [InlineData("SELECT $a$ x $ab$ ; $A$ ; $a$; SELECT 2", "$a$ x $ab$ ; $A$ ; $a$")]
    [InlineData("SELECT $a$x$a$; SELECT 2", "$a$x$a$")]
    [InlineData("SELECT $_1$ ; $_1$; SELECT 2", "$_1$ ; $_1$")]
    [InlineData("SELECT $$$$; SELECT 2", "$$$$")]
    public void A_dollar_quote_ends_only_at_its_own_tag(string sql, string quoted)
    {
        Assert.Contains((SqlTokenKind.DollarQuoted, quoted), Tokens(sql));
        Assert.Equal("SELECT 2", Texts(sql)[1]);
    }

    [Fact]
    public void Dollar_digit_is_a_parameter_not_a_quote()
    {
        const string sql = "PREPARE q AS SELECT $1 + $2; EXECUTE q(1, 2);";

        Assert.Equal(["PREPARE q AS SELECT $1 + $2", "EXECUTE q(1, 2)"], Texts(sql));
        Assert.Contains((SqlTokenKind.Word, "$1"), Tokens(sql));
        Assert.Contains((SqlTokenKind.Word, "$2"), Tokens(sql));
        Assert.DoesNotContain(Tokens(sql), token => token.Kind == SqlTokenKind.DollarQuoted);
    }

    [Fact]
    public void Dollar_inside_an_identifier_is_part_of_it_and_opens_no_quote()
    {
        const string sql = "SELECT foo$bar, a$$b FROM t$; SELECT $x FROM y";

        Assert.Equal(["SELECT foo$bar, a$$b FROM t$", "SELECT $x FROM y"], Texts(sql));
        Assert.Equal(
            [
                (SqlTokenKind.Word, "SELECT"), (SqlTokenKind.Word, "foo$bar"), (SqlTokenKind.Other, ","), (SqlTokenKind.Word, "a$$b"),
                (SqlTokenKind.Word, "FROM"), (SqlTokenKind.Word, "t$"), (SqlTokenKind.Semicolon, ";"), (SqlTokenKind.Word, "SELECT"),
                (SqlTokenKind.Other, "$"), (SqlTokenKind.Word, "x"), (SqlTokenKind.Word, "FROM"), (SqlTokenKind.Word, "y"),
            ],
            Code(sql));
    }

    [Theory]
    [InlineData(@"SELECT E'it\'s; fine'; SELECT 2", @"SELECT E'it\'s; fine'")]
    [InlineData(@"SELECT e'back\\'; SELECT 2", @"SELECT e'back\\'")]
    [InlineData(@"SELECT E'a\\\'; b'; SELECT 2", @"SELECT E'a\\\'; b'")]
    [InlineData(@"SELECT E'doubled '' works; too'; SELECT 2", @"SELECT E'doubled '' works; too'")]
    [InlineData(@"SELECT 'C:\'; SELECT 2", @"SELECT 'C:\'")]
    [InlineData(@"SELECT xe'\'; SELECT 2", @"SELECT xe'\'")]
    [InlineData(@"SELECT E 'a\'; SELECT 2", @"SELECT E 'a\'")]
    [InlineData(@"SELECT E'a' 'b\'; SELECT 2", @"SELECT E'a' 'b\'")]
    [InlineData("SELECT E'a' -- c\n  'b\\'; c'; SELECT 2", "SELECT E'a' -- c\n  'b\\'; c'")]
    public void Backslash_escapes_only_in_escape_strings(string sql, string first)
    {
        Assert.Equal([first, "SELECT 2"], Texts(sql));
        Assert.False(SqlLexer.HasUnterminated(sql));
    }

    [Fact]
    public void An_escape_string_continued_on_a_later_line_is_one_token()
    {
        const string sql = "SELECT E'a'\n    'b\\'; c' AS x";

        Assert.Equal(
            [
                (SqlTokenKind.Word, "SELECT"), (SqlTokenKind.String, "E'a'\n    'b\\'; c'"), (SqlTokenKind.Word, "AS"),
                (SqlTokenKind.Word, "x"),
            ],
            Code(sql));
    }

    [Fact]
    public void Doubled_quotes_stay_inside_a_string()
    {
        const string sql = "SELECT 'it''s; ok', 'a''''b', ''; SELECT 2";

        Assert.Equal(["SELECT 'it''s; ok', 'a''''b', ''", "SELECT 2"], Texts(sql));
        Assert.Equal(
            ["'it''s; ok'", "'a''''b'", "''"],
            Tokens(sql).Where(token => token.Kind == SqlTokenKind.String).Select(token => token.Text));
    }

    [Fact]
    public void Quoted_identifiers_hold_semicolons_and_doubled_quotes()
    {
        const string sql = "CREATE TABLE \"we\"\"ird;name\" (\"a;b\" int); SELECT 1";

        Assert.Equal(["CREATE TABLE \"we\"\"ird;name\" (\"a;b\" int)", "SELECT 1"], Texts(sql));
        Assert.Equal(
            ["\"we\"\"ird;name\"", "\"a;b\""],
            Tokens(sql).Where(token => token.Kind == SqlTokenKind.QuotedIdentifier).Select(token => token.Text));
        Assert.Equal(["CREATE", "TABLE", "INT"], SqlLexer.Split(sql)[0].Keywords(3));
    }

    [Theory]
    [InlineData(@"U&'d\0061t;a'", SqlTokenKind.String)]
    [InlineData(@"u&'a\'", SqlTokenKind.String)]
    [InlineData("U&\"x;\"\"y\"", SqlTokenKind.QuotedIdentifier)]
    [InlineData("B'10;10'", SqlTokenKind.String)]
    [InlineData("x'FF;'", SqlTokenKind.String)]
    [InlineData("N'caf;é'", SqlTokenKind.String)]
    [InlineData(@"e'\'\\'", SqlTokenKind.String)]
    public void A_prefixed_literal_is_one_token_with_its_prefix(string sql, SqlTokenKind kind) =>
        Assert.Equal([(kind, sql)], Tokens(sql));

    [Fact]
    public void A_prefix_letter_not_followed_at_once_by_a_quote_is_a_word()
    {
        Assert.Equal(
            [
                (SqlTokenKind.Word, "U"), (SqlTokenKind.Other, "&"), (SqlTokenKind.String, "'x'"), (SqlTokenKind.Word, "be"),
                (SqlTokenKind.String, "'y'"),
            ],
            Code("U& 'x' be'y'"));
    }

    [Fact]
    public void Nested_block_comments_hold_semicolons()
    {
        const string sql = "/* outer /* inner; */ still comment; */ SELECT 1; SELECT 2*/* ; */3; SELECT 4";

        Assert.Equal(["/* outer /* inner; */ still comment; */ SELECT 1", "SELECT 2*/* ; */3", "SELECT 4"], Texts(sql));
        Assert.Equal((SqlTokenKind.BlockComment, "/* outer /* inner; */ still comment; */"), Tokens(sql)[0]);
        Assert.Contains((SqlTokenKind.BlockComment, "/* ; */"), Tokens(sql));
    }

    [Fact]
    public void Line_comments_hold_semicolons_up_to_the_end_of_the_line()
    {
        const string sql = "SELECT 1 -- not the end; really\n; SELECT 2 --;";

        Assert.Equal(["SELECT 1 -- not the end; really", "SELECT 2 --;"], Texts(sql));
        Assert.Equal((SqlTokenKind.LineComment, "-- not the end; really"), Tokens(sql)[4]);
        Assert.Equal((SqlTokenKind.Whitespace, "\n"), Tokens(sql)[5]);
    }

    [Fact]
    public void Crlf_input_splits_with_lines_counted_by_line_feeds()
    {
        const string sql = "SELECT 1;\r\n-- note; here\r\nSELECT 2;\r\n\r\nSELECT 3\r\n";

        var statements = SqlLexer.Split(sql);

        Assert.Equal(["SELECT 1", "-- note; here\r\nSELECT 2", "SELECT 3"], statements.Select(statement => statement.Text));
        Assert.Equal([1, 2, 5], statements.Select(statement => statement.Line));
        Assert.Equal([0, 11, 39], statements.Select(statement => statement.Offset));
        Assert.Equal((SqlTokenKind.LineComment, "-- note; here"), Tokens(sql)[5]);
        Assert.Equal((SqlTokenKind.Whitespace, "\r\n"), Tokens(sql)[6]);
    }

    [Fact]
    public void A_byte_order_mark_at_the_start_is_whitespace()
    {
        const string sql = "\uFEFFSELECT 1;";

        var statement = Assert.Single(SqlLexer.Split(sql));

        Assert.Equal(new SqlStatement("SELECT 1", 1, 1), statement);
        Assert.Equal((SqlTokenKind.Whitespace, "\uFEFF"), Tokens(sql)[0]);
        Assert.Empty(SqlLexer.Split("\uFEFF\n"));
    }

    [Fact]
    public void A_comment_only_statement_is_kept_without_code()
    {
        const string sql = "-- a;\n/* b */;SELECT 1;\n/* trailing */ -- note\n";

        var statements = SqlLexer.Split(sql);

        Assert.Equal(["-- a;\n/* b */", "SELECT 1", "/* trailing */ -- note"], statements.Select(statement => statement.Text));
        Assert.Equal([false, true, false], statements.Select(statement => statement.HasCode));
        Assert.Equal([1, 2, 3], statements.Select(statement => statement.Line));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t")]
    [InlineData(";")]
    [InlineData(" ;\n;; ;")]
    public void Whitespace_only_chunks_are_dropped(string sql) => Assert.Empty(SqlLexer.Split(sql));

    [Fact]
    public void Empty_statements_between_others_are_dropped()
    {
        Assert.Equal(["SELECT 1", "SELECT 2"], Texts(" ;\n;; SELECT 1 ;  ;\n SELECT 2\n\n"));
    }

    [Fact]
    public void Offset_and_line_point_at_the_first_character_of_each_statement()
    {
        const string sql = "SELECT 1;\n\n  CREATE TABLE t (\n    id int\n);\n-- c\nSELECT 2   \n";

        var statements = SqlLexer.Split(sql);

        Assert.Equal(
            [
                new SqlStatement("SELECT 1", 0, 1),
                new SqlStatement("CREATE TABLE t (\n    id int\n)", 13, 3),
                new SqlStatement("-- c\nSELECT 2", 44, 6),
            ],
            statements);
    }

    [Theory]
    [InlineData("/* x */ create  index\n concurrently ix ON t (a)", 3, "CREATE INDEX CONCURRENTLY")]
    [InlineData("-- DROP TABLE\nvacuum (analyze) t", 2, "VACUUM ANALYZE")]
    [InlineData("\"create\" table", 1, "TABLE")]
    [InlineData("select 1", 5, "SELECT 1")]
    [InlineData("select café", 2, "SELECT CAFÉ")]
    [InlineData("SELECT 1", 0, "")]
    [InlineData("-- only a comment", 2, "")]
    public void Keywords_are_the_first_words_upper_cased_skipping_comments_and_quotes(string sql, int count, string expected)
    {
        var statement = Assert.Single(SqlLexer.Split(sql));

        Assert.Equal(expected, string.Join(' ', statement.Keywords(count)));
    }

    [Theory]
    [InlineData("SELECT 1;", true)]
    [InlineData("SELECT 1;\n\n", true)]
    [InlineData("SELECT 1; -- done", true)]
    [InlineData("SELECT 1; /* done */\n", true)]
    [InlineData(";", true)]
    [InlineData("SELECT 1", false)]
    [InlineData("SELECT 1 -- ;", false)]
    [InlineData("SELECT 1 -- ;\n", false)]
    [InlineData("SELECT 1 /* ; */", false)]
    [InlineData("SELECT ';'", false)]
    [InlineData("SELECT $$;$$", false)]
    [InlineData("SELECT \";\"", false)]
    [InlineData("-- ;", false)]
    [InlineData("", false)]
    public void Ends_with_semicolon_looks_past_trailing_trivia_only(string sql, bool expected) =>
        Assert.Equal(expected, SqlLexer.EndsWithSemicolon(sql));

    [Theory]
    [InlineData("SELECT 'abc; SELECT 2", SqlTokenKind.String)]
    [InlineData(@"SELECT E'abc\'; SELECT 2", SqlTokenKind.String)]
    [InlineData(@"SELECT E'abc\", SqlTokenKind.String)]
    [InlineData("SELECT U&'abc", SqlTokenKind.String)]
    [InlineData("SELECT \"abc; SELECT 2", SqlTokenKind.QuotedIdentifier)]
    [InlineData("SELECT $$abc; SELECT 2", SqlTokenKind.DollarQuoted)]
    [InlineData("SELECT $t$abc$$ $T$; SELECT 2", SqlTokenKind.DollarQuoted)]
    [InlineData("/* /* */ SELECT 1; SELECT 2", SqlTokenKind.BlockComment)]
    public void An_unterminated_construct_runs_to_the_end_of_input_and_is_flagged(string sql, SqlTokenKind kind)
    {
        var last = SqlLexer.Tokenize(sql).Last();

        Assert.True(SqlLexer.HasUnterminated(sql));
        Assert.Equal(kind, last.Kind);
        Assert.True(last.Unterminated);
        Assert.Equal(sql.Length, last.Start + last.Length);
        Assert.Single(SqlLexer.Split(sql));
        Assert.False(SqlLexer.EndsWithSemicolon(sql + ";"));
    }

    [Theory]
    [InlineData("SELECT 'a''b'")]
    [InlineData(@"SELECT E'\\'")]
    [InlineData("SELECT $x$ $x$")]
    [InlineData("/* /* */ */")]
    [InlineData("SELECT 1 -- no newline at the end")]
    [InlineData("SELECT \"a\"\"\"")]
    public void Closed_constructs_are_not_flagged(string sql)
    {
        Assert.False(SqlLexer.HasUnterminated(sql));
        Assert.DoesNotContain(SqlLexer.Tokenize(sql), token => token.Unterminated);
    }

    [Fact]
    public void Semicolons_inside_parentheses_do_not_split_as_in_psql()
    {
        const string sql = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); NOTIFY t); SELECT 1); SELECT 2";

        Assert.Equal(
            ["CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); NOTIFY t)", "SELECT 1)", "SELECT 2"],
            Texts(sql));
    }

    [Fact]
    public void A_begin_atomic_body_is_one_statement_as_in_psql()
    {
        const string sql = """
            CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
                SELECT CASE WHEN a > 0 THEN a ELSE 0 END;
                SELECT a + b;
            END;
            create procedure p() begin atomic insert into t values (1); end;
            SELECT add(1, 2);
            """;

        var texts = Texts(sql);

        Assert.Equal(3, texts.Length);
        Assert.EndsWith("SELECT a + b;\nEND", texts[0], StringComparison.Ordinal);
        Assert.Equal("create procedure p() begin atomic insert into t values (1); end", texts[1]);
        Assert.Equal("SELECT add(1, 2)", texts[2]);
    }

    [Fact]
    public void Begin_outside_a_routine_body_is_a_transaction_and_splits()
    {
        const string sql = "CREATE TABLE begin_log (id int); BEGIN; UPDATE t SET a = 1; END; CREATE VIEW v AS SELECT 1; BEGIN; COMMIT;";

        Assert.Equal(
            ["CREATE TABLE begin_log (id int)", "BEGIN", "UPDATE t SET a = 1", "END", "CREATE VIEW v AS SELECT 1", "BEGIN", "COMMIT"],
            Texts(sql));
    }

    [Fact]
    public void Tokens_have_the_kinds_postgres_gives_them()
    {
        const string sql = "SELECT a.b, 1.5e-3, .5, 0x1F, 1..10, $1 FROM \"T\" WHERE x <> 'y';";

        Assert.Equal(
            [
                (SqlTokenKind.Word, "SELECT"), (SqlTokenKind.Word, "a"), (SqlTokenKind.Other, "."), (SqlTokenKind.Word, "b"),
                (SqlTokenKind.Other, ","), (SqlTokenKind.Word, "1.5e-3"), (SqlTokenKind.Other, ","), (SqlTokenKind.Word, ".5"),
                (SqlTokenKind.Other, ","), (SqlTokenKind.Word, "0x1F"), (SqlTokenKind.Other, ","), (SqlTokenKind.Word, "1"),
                (SqlTokenKind.Other, "."), (SqlTokenKind.Other, "."), (SqlTokenKind.Word, "10"), (SqlTokenKind.Other, ","),
                (SqlTokenKind.Word, "$1"), (SqlTokenKind.Word, "FROM"), (SqlTokenKind.QuotedIdentifier, "\"T\""),
                (SqlTokenKind.Word, "WHERE"), (SqlTokenKind.Word, "x"), (SqlTokenKind.Other, "<"), (SqlTokenKind.Other, ">"),
                (SqlTokenKind.String, "'y'"), (SqlTokenKind.Semicolon, ";"),
            ],
            Code(sql));
        Assert.Equal([SqlTokenKind.Whitespace, SqlTokenKind.LineComment, SqlTokenKind.BlockComment], TriviaKinds());
    }

    [Fact]
    public void Null_input_is_refused_at_the_call()
    {
        Assert.Throws<ArgumentNullException>(() => SqlLexer.Tokenize(null!));
        Assert.Throws<ArgumentNullException>(() => SqlLexer.Split(null!));
    }

    private static SqlTokenKind[] TriviaKinds() =>
        [.. Enum.GetValues<SqlTokenKind>().Where(kind => new SqlToken(kind, 0, 0).IsTrivia)];

    private static string[] Texts(string sql) => [.. SqlLexer.Split(sql).Select(statement => statement.Text)];

    private static (SqlTokenKind Kind, string Text)[] Tokens(string sql) =>
        [.. SqlLexer.Tokenize(sql).Select(token => (token.Kind, sql.Substring(token.Start, token.Length)))];

    private static (SqlTokenKind Kind, string Text)[] Code(string sql) =>
        [.. SqlLexer.Tokenize(sql).Where(token => !token.IsTrivia).Select(token => (token.Kind, sql.Substring(token.Start, token.Length)))];

    private static void AssertCoversExactly(string sql)
    {
        var tokens = SqlLexer.Tokenize(sql).ToList();
        var next = 0;
        foreach (var token in tokens)
        {
            Assert.Equal(next, token.Start);
            Assert.True(token.Length > 0, $"empty token at {token.Start} in {sql}");
            next = token.Start + token.Length;
        }

        Assert.Equal(sql.Length, next);
        Assert.Equal(sql, string.Concat(tokens.Select(token => sql.Substring(token.Start, token.Length))));
    }
}
