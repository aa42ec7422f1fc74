using System.Diagnostics;
using Migrations.Runner.Schema;
using Migrations.Runner.Development;
using Migrations.Runner.Session;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Schema;

public sealed class SchemaReaderTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly SnapshotOptions WithPrivileges = new() { IncludePrivileges = true };

    private const string SessionSettings =
        "SELECT current_setting('search_path') || ' ' || current_setting('timezone') || ' ' || current_setting('datestyle')";

    [PgDumpFact]
    public async Task Snapshot_of_restored_dump_equals_snapshot_of_original() =>
        await AssertDumpRestoresSameSnapshotAsync(await SampleSchema.CreateDatabaseAsync(fixture));

    [PgDumpFact]
    public async Task Snapshot_of_restored_dump_of_the_migrated_schema_equals_snapshot_of_original() =>
        await AssertDumpRestoresSameSnapshotAsync(await fixture.CreateMigratedDatabaseAsync());

    [Fact]
    public async Task The_runners_catalog_connection_reads_the_snapshot_a_full_connection_reads()
    {
        var database = await SampleSchema.CreateDatabaseAsync(fixture);
        await Db.ExecuteAsync(database, "INSERT INTO public.users (email, mood) VALUES ('a@example.com', 'happy')");

        await using var catalog = await Database.OpenForCatalogAsync(database);
        var throughCatalog = await SchemaReader.ReadAsync(catalog, WithPrivileges);

        Assert.Equal((await Db.SnapshotAsync(database, WithPrivileges)).ToJson(), throughCatalog.ToJson());
        Assert.NotEmpty(throughCatalog.Enums);
    }

    [Fact]
    public async Task Snapshot_covers_every_kind_of_object()
    {
        var s = await Db.SnapshotAsync(await SampleSchema.CreateDatabaseAsync(fixture));

        Assert.Contains(s.Extensions, e => e.Name == "pgcrypto" && e.Schema == "public");
        Assert.Contains(s.Schemas, n => n.Name == "app" && n.Comment == "Application objects");
        Assert.Equal(["sad", "ok", "happy"], Assert.Single(s.Enums).Labels);
        var domain = Assert.Single(s.Domains);
        Assert.Equal(("text", "\"C\""), (domain.BaseType, domain.Collation));
        Assert.Equal("CHECK ((VALUE ~~ '%@%'::text))", Assert.Single(domain.Checks).Definition);
        Assert.Equal(["a", "b"], Assert.Single(s.CompositeTypes).Attributes.Select(a => a.Name));

        var counter = Assert.Single(s.Sequences, q => q.Name == "counter");
        Assert.Equal(
            (10L, 5L, 100000L, true, (string?)null),
            (counter.Start, counter.Increment, counter.Maximum, counter.Cycle, counter.OwnedBy));
        Assert.Equal("public.users.id", Assert.Single(s.Sequences, q => q.Name == "users_id_seq").OwnedBy);
        Assert.Equal("app.orders.id", Assert.Single(s.Sequences, q => q.Name == "orders_id_seq").OwnedBy);

        var users = Table(s, "public.users");
        Assert.Equal("People who sign in", users.Comment);
        Assert.Equal(
            ["id", "email", "display_name", "contact", "mood", "created_at", "updated_at", "email_lower"],
            users.Columns.Select(c => c.Name));
        Assert.Equal("always", Column(users, "id").Identity);
        Assert.Equal(
            ("character varying(255)", true, "Login address"),
            (Column(users, "email").Type, Column(users, "email").NotNull, Column(users, "email").Comment));
        Assert.Equal("\"C\"", Column(users, "display_name").Collation);
        Assert.Equal("'ok'::app.mood", Column(users, "mood").Default);
        Assert.Equal("'2020-01-01 00:00:00+00'::timestamp with time zone", Column(users, "created_at").Default);
        Assert.Equal(
            ("lower((email)::text)", (string?)null),
            (Column(users, "email_lower").Generated, Column(users, "email_lower").Default));

        var orders = Table(s, "app.orders");
        Assert.Equal(("nextval('app.counter'::regclass)", 4), (Column(orders, "ticket").Default, Column(orders, "ticket").Position));
        Assert.Equal(["fillfactor=90"], orders.Options);
        Assert.True(orders.RowSecurity);
        var fk = Assert.Single(orders.Constraints, c => c.Kind == ConstraintKind.ForeignKey);
        Assert.Equal(("fk_orders_user", "public.users", "CASCADE", "RESTRICT"), (fk.Name, fk.ReferencedTable, fk.OnDelete, fk.OnUpdate));
        Assert.Equal(["user_id"], fk.Columns);
        Assert.Equal(["id"], fk.ReferencedColumns);
        Assert.Equal(
            "FOREIGN KEY (user_id) REFERENCES public.users(id) ON UPDATE RESTRICT ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
            fk.Definition);
        Assert.EndsWith(
            "NOT VALID",
            Assert.Single(orders.Constraints, c => c.Kind == ConstraintKind.Check).Definition,
            StringComparison.Ordinal);
        Assert.Single(Table(s, "app.bookings").Constraints, c => c.Kind == ConstraintKind.Exclusion);
        Assert.True(Table(s, "app.scratch").Unlogged);

        Assert.Equal((TableKind.Partitioned, "RANGE (at)"), (Table(s, "app.events").Kind, Table(s, "app.events").PartitionKey));
        var partition = Table(s, "app.events_2024");
        Assert.Equal((TableKind.Partition, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"), (partition.Kind, partition.PartitionBound));
        Assert.Equal(["app.events"], partition.Inherits);

        Assert.Equal(
            "CREATE UNIQUE INDEX ix_users_email_lower ON public.users USING btree (lower((email)::text)) WHERE (display_name IS NOT NULL)",
            Assert.Single(s.Indexes, i => i.Name == "ix_users_email_lower").Definition);
        Assert.Contains(s.Indexes, i => i.Name == "users_pkey" && i.Table == "users" && i.Valid);
        Assert.Contains(s.Indexes, i => i.Name == "ix_order_totals_user" && i.Table == "order_totals");

        var view = Assert.Single(s.Views, v => !v.Materialized);
        Assert.Equal(("public.active_users", "Users with a display name"), (view.QualifiedName, view.Comment));
        Assert.Contains("FROM public.users", view.Definition, StringComparison.Ordinal);
        Assert.Equal(["id", "email"], view.Columns.Select(c => c.Name));
        Assert.Contains(s.Views, v => v.Materialized && v.QualifiedName == "app.order_totals");

        var touch = Assert.Single(s.Functions, f => f.Name == "touch");
        Assert.Equal(
            ("public.touch()", "trigger", "plpgsql", "Stamps updated_at"),
            (touch.Signature, touch.Result, touch.Language, touch.Comment));
        Assert.Contains("NEW.updated_at := now();", touch.Definition, StringComparison.Ordinal);
        Assert.Equal(
            ("app.add(integer, integer)", "a integer, b integer DEFAULT 1"),
            (Function(s, "add").Signature, Function(s, "add").Arguments));
        Assert.Equal(FunctionKind.Procedure, Function(s, "purge").Kind);
        Assert.DoesNotContain(s.Functions, f => f.Name == "crypt");

        Assert.Equal(TriggerState.Enabled, Assert.Single(s.Triggers, t => t.Name == "trg_users_updated_at").State);
        Assert.Equal(TriggerState.Disabled, Assert.Single(s.Triggers, t => t.Name == "trg_users_touch_insert").State);
        Assert.DoesNotContain(s.Triggers, t => t.Name.StartsWith("RI_", StringComparison.Ordinal));

        var policy = Assert.Single(s.Policies);
        Assert.Equal(("app.orders.own_orders", "SELECT", true), (policy.QualifiedName, policy.Command, policy.Permissive));
        Assert.Equal(["public"], policy.Roles);
        Assert.Equal("(user_id = (current_setting('app.user_id'::text))::bigint)", policy.Using);
    }

    [Fact]
    public async Task Snapshot_does_not_depend_on_the_session_search_path_and_leaves_it_as_it_was()
    {
        var database = await SampleSchema.CreateDatabaseAsync(fixture);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();

        var snapshots = new List<SchemaSnapshot>();
        foreach (var searchPath in new[] { "\"$user\", public", "app, public", "''" })
        {
            await ExecuteAsync(
                connection,
                $"SET search_path = {searchPath}; SET timezone = 'Pacific/Auckland'; SET datestyle = 'SQL, DMY'");
            var before = await ScalarAsync(connection, SessionSettings);
            snapshots.Add(await SchemaReader.ReadAsync(connection));
            Assert.Equal(before, await ScalarAsync(connection, SessionSettings));
        }

        Assert.All(snapshots, s => Assert.True(s == snapshots[0], Db.Describe(SchemaComparer.Compare(snapshots[0], s))));
    }

    [Fact]
    public async Task Reader_works_in_a_read_only_database_and_leaves_no_transaction_open()
    {
        var database = await SampleSchema.CreateDatabaseAsync(fixture);
        var writable = await Db.SnapshotAsync(database);
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await fixture.ExecuteOnServerAsync($"ALTER DATABASE \"{name}\" SET default_transaction_read_only = on");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();

        var snapshot = await SchemaReader.ReadAsync(connection);

        Assert.Equal("on", await ScalarAsync(connection, "SHOW transaction_read_only"));
        Assert.Equal(writable.ToJson(), snapshot.ToJson());
        // Npgsql refuses to begin a transaction while one is open on the connection.
        await using var transaction = await connection.BeginTransactionAsync();
    }

    [Fact]
    public async Task Excluded_tables_are_left_out_with_everything_that_belongs_to_them()
    {
        var database = await fixture.CreateDatabaseAsync();
        await Db.ExecuteAsync(database,
            """
            CREATE TABLE public."VersionInfo" ("Version" bigint NOT NULL, "AppliedOn" timestamp, "Description" varchar(1024));
            CREATE UNIQUE INDEX "UC_Version" ON public."VersionInfo" ("Version");
            CREATE SCHEMA ops;
            CREATE TABLE ops."VersionInfoChecksums" (id serial PRIMARY KEY, "Version" bigint NOT NULL, checksum text);
            CREATE TABLE public.kept (id int);
            """);

        var snapshot = await Db.SnapshotAsync(database);
        var json = snapshot.ToJson();
        Assert.DoesNotContain("VersionInfo", json, StringComparison.Ordinal);
        Assert.DoesNotContain("UC_Version", json, StringComparison.Ordinal);
        Assert.Empty(snapshot.Sequences);
        Assert.Equal(["public.kept"], snapshot.Tables.Select(t => t.QualifiedName));

        var everything = await Db.SnapshotAsync(database, new SnapshotOptions { ExcludedTables = [] });
        Assert.Equal(["ops.VersionInfoChecksums", "public.VersionInfo", "public.kept"], everything.Tables.Select(t => t.QualifiedName));
        Assert.Contains(everything.Indexes, i => i.Name == "UC_Version");
        Assert.Contains(everything.Sequences, q => q.OwnedBy == "ops.VersionInfoChecksums.id");
    }

    [Fact]
    public async Task Privileges_are_read_only_when_asked_for()
    {
        var database = await SampleSchema.CreateDatabaseAsync(fixture);

        var without = await Db.SnapshotAsync(database);
        Assert.All(without.Views, v => Assert.Null(v.Privileges));
        Assert.All(without.Tables.SelectMany(t => t.Columns), c => Assert.Null(c.Grants));

        var with = await Db.SnapshotAsync(database, WithPrivileges);
        var view = Assert.Single(with.Views, v => v.Name == "active_users").Privileges;
        Assert.NotNull(view);
        Assert.Contains("=r/" + view.Owner, view.Grants);
        Assert.NotNull(Assert.Single(with.Functions, f => f.Name == "touch").Privileges);

        await Db.ExecuteAsync(database, "GRANT UPDATE (display_name) ON public.users TO PUBLIC");
        var column = Column(Table(await Db.SnapshotAsync(database, WithPrivileges), "public.users"), "display_name");
        Assert.NotNull(column.Grants);
        Assert.Single(column.Grants);
    }

    [Fact]
    public async Task Revoking_a_grant_again_gives_the_snapshot_of_never_granting_it()
    {
        var database = await SampleSchema.CreateDatabaseAsync(fixture);
        var before = await Db.SnapshotAsync(database, WithPrivileges);

        await Db.ExecuteAsync(database, "GRANT INSERT ON app.orders TO PUBLIC; REVOKE INSERT ON app.orders FROM PUBLIC");

        var after = await Db.SnapshotAsync(database, WithPrivileges);
        Assert.True(before == after, Db.Describe(SchemaComparer.Compare(before, after)));
    }

    [Fact]
    public async Task Json_round_trip_preserves_equality_and_bytes()
    {
        var snapshot = await Db.SnapshotAsync(await SampleSchema.CreateDatabaseAsync(fixture), WithPrivileges);

        var json = snapshot.ToJson();
        var parsed = SchemaSnapshot.FromJson(json);

        Assert.Equal(snapshot, parsed);
        Assert.Equal(json, parsed.ToJson());
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
        Assert.Contains("\"default\": \"'ok'::app.mood\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_databases_built_by_the_same_sql_give_byte_equal_json()
    {
        var first = await Db.SnapshotAsync(await SampleSchema.CreateDatabaseAsync(fixture), WithPrivileges);
        var second = await Db.SnapshotAsync(await SampleSchema.CreateDatabaseAsync(fixture), WithPrivileges);

        Assert.Equal(first.ToJson(), second.ToJson());
    }

    [Fact]
    public async Task Reading_hundreds_of_tables_takes_a_few_set_based_queries()
    {
        // Enough tables that a query per table would show; bench/run.sh times drift on 1000.
        const int Tables = 300;
        var database = await fixture.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, "CREATE TABLE public.parent (id int PRIMARY KEY)");
        // In chunks: one transaction creating every table would run out of lock slots.
        for (var chunk = 0; chunk < Tables / 100; chunk++)
        {
            await Db.ExecuteAsync(database, $$"""
                DO $$
                BEGIN
                    FOR i IN {{chunk * 100 + 1}}..{{chunk * 100 + 100}} LOOP
                        EXECUTE format(
                            'CREATE TABLE public.t%s (id int PRIMARY KEY, parent_id int REFERENCES public.parent, '
                            'name text NOT NULL DEFAULT %L, CHECK (name <> %L))',
                            i, 'n' || i, '');
                        EXECUTE format('CREATE INDEX ix_t%s_name ON public.t%s (name)', i, i);
                        EXECUTE format('COMMENT ON TABLE public.t%s IS %L', i, 'table ' || i);
                    END LOOP;
                END $$
                """);
        }

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();

        var stopwatch = Stopwatch.StartNew();
        var snapshot = await SchemaReader.ReadAsync(connection);
        stopwatch.Stop();

        Assert.Equal(Tables + 1, snapshot.Tables.Count);
        Assert.Equal((2 * Tables) + 1, snapshot.Indexes.Count);
        Assert.Equal((3 * Tables) + 1, snapshot.Tables.Sum(t => t.Constraints.Count));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"reading took {stopwatch.Elapsed}");
    }

    private async Task AssertDumpRestoresSameSnapshotAsync(string original)
    {
        var dumpFile = Path.GetTempFileName();
        try
        {
            var tools = PostgresVersions.PgDumpTools ?? throw new InvalidOperationException("no pg_dump installed");
            await RunPostgresToolAsync(tools.Path, "--schema-only", "--file", dumpFile, "--dbname", Libpq(original));
            var restored = await fixture.CreateDatabaseAsync();
            await RunPostgresToolAsync(
                tools.Psql, "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--file", dumpFile, "--dbname", Libpq(restored));

            var expected = await Db.SnapshotAsync(original, WithPrivileges);
            var actual = await Db.SnapshotAsync(restored, WithPrivileges);
            Assert.True(expected == actual, Db.Describe(SchemaComparer.Compare(expected, actual)));
            Assert.Equal(expected.ToJson(), actual.ToJson());
        }
        finally
        {
            File.Delete(dumpFile);
        }
    }

    private static TableInfo Table(SchemaSnapshot snapshot, string qualifiedName) =>
        Assert.Single(snapshot.Tables, t => t.QualifiedName == qualifiedName);

    private static ColumnInfo Column(TableInfo table, string name) => Assert.Single(table.Columns, c => c.Name == name);

    private static FunctionInfo Function(SchemaSnapshot snapshot, string name) => Assert.Single(snapshot.Functions, f => f.Name == name);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    // pg_dump and psql take libpq's "key=value" connection strings, not Npgsql's.
    private static string Libpq(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        static string Quote(string value) =>
            "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
        var parts = new List<string>
        {
            "host=" + Quote(builder.Host ?? "localhost"),
            "port=" + builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "user=" + Quote(builder.Username ?? "postgres"),
            "dbname=" + Quote(builder.Database ?? "postgres"),
        };
        if (!string.IsNullOrEmpty(builder.Password))
        {
            parts.Add("password=" + Quote(builder.Password));
        }

        return string.Join(' ', parts);
    }

    private static async Task RunPostgresToolAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments);
        Assert.True(result.ExitCode == 0, $"{program} failed (exit {result.ExitCode}): {result.StandardError}");
    }
}
