using Migrations.Runner.Development;
using Migrations.Runner.Schema;
using Migrations.Tests.Infrastructure;
using Npgsql;

namespace Migrations.Tests.Schema;

/// <summary>
/// The snapshot on every supported PostgreSQL (14 to 18): one form for what versions print differently, the catalog
/// features of each version, and snapshots read on two major versions compared with each other.
/// </summary>
public sealed class PostgresVersionTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    // Views whose definitions PostgreSQL 15 and 16 print differently, and some they print alike.
    private const string ViewsSql =
        """
        CREATE SCHEMA shapes;
        CREATE TYPE shapes.pair AS (a integer, b text);
        CREATE TABLE shapes.people (id bigint PRIMARY KEY, email text NOT NULL, team integer, p shapes.pair);
        CREATE TABLE shapes.orders (id integer PRIMARY KEY, person_id bigint REFERENCES shapes.people, total numeric NOT NULL);
        CREATE VIEW shapes.named AS SELECT id, email FROM shapes.people WHERE team IS NOT NULL ORDER BY email;
        CREATE VIEW shapes.aliased AS
            SELECT k.id, (k.p).a, k.email COLLATE "C" AS e FROM shapes.people k WHERE k.id IS DISTINCT FROM 0;
        CREATE MATERIALIZED VIEW shapes.totals AS
            SELECT person_id, sum(total) AS total FROM shapes.orders GROUP BY person_id HAVING count(*) > 1;
        CREATE VIEW shapes.counted AS SELECT id, (SELECT count(*) FROM shapes.orders o WHERE o.person_id = people.id) AS n,
            row_number() OVER (PARTITION BY team ORDER BY id) AS rn FROM shapes.people;
        CREATE VIEW shapes.recent AS
            WITH r AS (SELECT id, person_id FROM shapes.orders WHERE total > 0) SELECT r.id, r.person_id FROM r;
        CREATE VIEW shapes.joined AS SELECT p.id, o.total FROM shapes.people p JOIN shapes.orders o ON o.person_id = p.id;
        CREATE VIEW shapes.everyone AS SELECT id FROM shapes.people UNION SELECT person_id FROM shapes.orders;
        """;

    // As PostgreSQL 18.4 prints them.
    private static readonly Dictionary<string, string> Printed = new()
    {
        ["aliased"] =
            """
             SELECT id,
                (p).a AS a,
                email COLLATE "C" AS e
               FROM shapes.people k
              WHERE id IS DISTINCT FROM 0;
            """,
        ["counted"] =
            """
             SELECT id,
                ( SELECT count(*) AS count
                       FROM shapes.orders o
                      WHERE o.person_id = people.id) AS n,
                row_number() OVER (PARTITION BY team ORDER BY id) AS rn
               FROM shapes.people;
            """,
        ["everyone"] =
            """
             SELECT people.id
               FROM shapes.people
            UNION
             SELECT orders.person_id AS id
               FROM shapes.orders;
            """,
        ["joined"] =
            """
             SELECT p.id,
                o.total
               FROM shapes.people p
                 JOIN shapes.orders o ON o.person_id = p.id;
            """,
        ["named"] =
            """
             SELECT id,
                email
               FROM shapes.people
              WHERE team IS NOT NULL
              ORDER BY email;
            """,
        ["recent"] =
            """
             WITH r AS (
                     SELECT orders.id,
                        orders.person_id
                       FROM shapes.orders
                      WHERE orders.total > 0::numeric
                    )
             SELECT id,
                person_id
               FROM r;
            """,
        ["totals"] =
            """
             SELECT person_id,
                sum(total) AS total
               FROM shapes.orders
              GROUP BY person_id
             HAVING count(*) > 1;
            """,
    };

    [Fact]
    public async Task The_server_is_a_supported_version_and_the_one_the_run_asked_for()
    {
        var version = await Db.ScalarAsync<int>(fixture.ServerConnectionString, "SELECT current_setting('server_version_num')::int");

        Assert.Equal(PostgresServer.ServerVersion, version);
        Assert.InRange(version / 10000, 14, 18);
        if (PostgresVersions.Requested is { } requested)
        {
            Assert.Equal(requested, version / 10000);
        }
    }

    [Fact]
    public async Task Views_read_in_the_form_PostgreSQL_16_and_later_print_on_every_version()
    {
        var database = await fixture.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, ViewsSql);

        var snapshot = await Db.SnapshotAsync(database);

        Assert.Equal(PostgresServer.ServerVersion, snapshot.ServerVersion);
        Assert.Equal(Printed.Keys.Order(StringComparer.Ordinal), snapshot.Views.Select(v => v.Name));
        Assert.All(snapshot.Views, v => Assert.Equal(Printed[v.Name], v.Definition));
    }

    [PostgresFact(15)]
    public async Task Unique_keys_with_NULLS_NOT_DISTINCT_are_read_and_compared()
    {
        var database = await fixture.CreateDatabaseAsync();
        await Db.ExecuteAsync(database,
            "CREATE TABLE public.codes (code text, CONSTRAINT codes_code_key UNIQUE NULLS NOT DISTINCT (code))");
        var before = await Db.SnapshotAsync(database);

        var key = Assert.Single(Assert.Single(before.Tables).Constraints);
        Assert.Equal("UNIQUE NULLS NOT DISTINCT (code)", key.Definition);
        Assert.EndsWith("USING btree (code) NULLS NOT DISTINCT", Assert.Single(before.Indexes).Definition, StringComparison.Ordinal);

        await Db.ExecuteAsync(database,
            "ALTER TABLE public.codes DROP CONSTRAINT codes_code_key, ADD CONSTRAINT codes_code_key UNIQUE (code)");
        var differences = SchemaComparer.Compare(before, await Db.SnapshotAsync(database));
        Assert.Contains(differences, d => d.Name == "public.codes.codes_code_key" && d.Change == ChangeKind.Changed);
    }

    [PostgresFact(17)]
    public async Task The_MAINTAIN_privilege_is_read_and_left_out_only_when_comparing_with_an_older_version()
    {
        var database = await fixture.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, "CREATE TABLE public.kept (id int); GRANT MAINTAIN ON public.kept TO PUBLIC");
        var withPrivileges = new SnapshotOptions { IncludePrivileges = true };
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var snapshot = await SchemaReader.ReadAsync(connection, withPrivileges);

        var table = Assert.Single(snapshot.Tables);
        var grants = table.Privileges!.Grants;
        Assert.Contains(grants, g => g.StartsWith("=m/", StringComparison.Ordinal));
        // The same table as PostgreSQL 16 would read it: no MAINTAIN, neither the owner's nor PUBLIC's.
        var before17 = grants
            .Where(g => !g.StartsWith("=m/", StringComparison.Ordinal))
            .Select(g => g.Replace("m/", "/", StringComparison.Ordinal));
        var as16 = snapshot with
        {
            ServerVersion = 160009,
            Tables = [table with { Privileges = new PrivilegeInfo(table.Privileges.Owner, [.. before17]) }],
        };
        Assert.Empty(SchemaComparer.Compare(as16, snapshot));
        Assert.Contains(SchemaComparer.VersionNotes(as16, snapshot), n => n.Contains("MAINTAIN", StringComparison.Ordinal));
        Assert.NotEmpty(SchemaComparer.Compare(as16 with { ServerVersion = snapshot.ServerVersion }, snapshot));
    }

    [PostgresFact(18)]
    public async Task Virtual_generated_columns_and_NOT_ENFORCED_constraints_are_read_and_compared()
    {
        var database = await fixture.CreateDatabaseAsync();
        await Db.ExecuteAsync(database,
            """
            CREATE TABLE public.parents (id int PRIMARY KEY);
            CREATE TABLE public.items (
                id int CONSTRAINT items_parent_fkey REFERENCES public.parents NOT ENFORCED,
                a int CONSTRAINT items_a_positive CHECK (a > 0) NOT ENFORCED,
                stored int GENERATED ALWAYS AS (a * 2) STORED,
                computed int GENERATED ALWAYS AS (a * 3) VIRTUAL);
            """);
        var snapshot = await Db.SnapshotAsync(database);

        var items = Assert.Single(snapshot.Tables, t => t.Name == "items");
        Assert.Equal(("(a * 2)", false), (items.Columns[2].Generated, items.Columns[2].Virtual));
        Assert.Equal(("(a * 3)", true), (items.Columns[3].Generated, items.Columns[3].Virtual));
        Assert.Equal("CHECK ((a > 0)) NOT ENFORCED", Assert.Single(items.Constraints, c => c.Name == "items_a_positive").Definition);
        var foreignKey = Assert.Single(items.Constraints, c => c.Name == "items_parent_fkey");
        Assert.EndsWith("NOT ENFORCED", foreignKey.Definition, StringComparison.Ordinal);
        Assert.Equal(snapshot, SchemaSnapshot.FromJson(snapshot.ToJson()));
        var markdown = SchemaMarkdown.Render(snapshot, "t");
        Assert.Contains("| `computed` | `integer` | generated (virtual): `(a * 3)` |", markdown, StringComparison.Ordinal);

        await Db.ExecuteAsync(database,
            "ALTER TABLE public.items DROP COLUMN computed, ADD COLUMN computed int GENERATED ALWAYS AS (a * 3) STORED");
        var change = Assert.Single(SchemaComparer.Compare(snapshot, await Db.SnapshotAsync(database)));
        Assert.Equal("column public.items.computed: changed: virtual yes -> none", change.Describe());
    }

    [Fact]
    public void Snapshots_of_one_major_version_compare_without_notes_and_of_two_with_them()
    {
        var snapshot = new SchemaSnapshot([], [new SchemaInfo("public", null, null)], [], [], [], [], [], [], [], [], [], [], 150018);

        Assert.Empty(SchemaComparer.VersionNotes(snapshot, snapshot with { ServerVersion = 150020 }));
        Assert.Empty(SchemaComparer.VersionNotes(snapshot with { ServerVersion = null }, snapshot with { ServerVersion = null }));
        var across = Assert.Single(SchemaComparer.VersionNotes(snapshot, snapshot with { ServerVersion = 180004 }));
        Assert.Contains("PostgreSQL 15.18, actual from 18.4", across, StringComparison.Ordinal);
        var unknown = Assert.Single(SchemaComparer.VersionNotes(snapshot with { ServerVersion = null }, snapshot));
        Assert.Contains("no server version", unknown, StringComparison.Ordinal);
    }

    [AnotherPostgresFact]
    public async Task A_schema_read_on_another_major_version_compares_equal_and_drift_against_its_snapshot_finds_none()
    {
        var other = PostgresVersions.AnotherInstalled!.Value;
        var directory = Path.Combine(Path.GetTempPath(), "migrations-tests-" + Guid.NewGuid().ToString("N")[..12]);
        var cluster = await LocalPostgresCluster.StartAsync(directory, durable: false, PostgresVersions.BinDirectoryFor(other)!);
        try
        {
            var here = await fixture.CreateDatabaseAsync();
            var there = await CreateDatabaseAsync(cluster.ConnectionString, "sample");
            foreach (var database in new[] { here, there })
            {
                await Db.ExecuteAsync(database, SampleSchema.Sql);
                await Db.ExecuteAsync(database, ViewsSql);
            }

            var expected = await Db.SnapshotAsync(there);
            var actual = await Db.SnapshotAsync(here);
            Assert.Equal(other, expected.ServerVersion / 10000);
            // An extension comes in the version its server ships (pgcrypto 1.3 up to PostgreSQL 17, 1.4 on 18): a real
            // difference, reported as one; everything else must read the same.
            var differences = SchemaComparer.Compare(expected, actual)
                .Where(d => !(d.ObjectType == "extension" && d.Changes.All(c => c.Property == "version"))).ToList();
            Assert.True(differences.Count == 0, Db.Describe(differences));
            var sameExtensions = expected with { Extensions = actual.Extensions };
            Assert.Equal(SchemaMarkdown.Render(sameExtensions, "t"), SchemaMarkdown.Render(actual, "t"));

            var migratedThere = await CreateDatabaseAsync(cluster.ConnectionString, "migrated");
            await Db.Service(migratedThere).UpAsync(null);
            var file = Path.Combine(directory, "snapshot.json");
            var saved = await Cli.RunAsync(migratedThere, "schema", "--output", file);
            Assert.True(saved.ExitCode == 0, saved.ToString());
            var drift = await Cli.RunAsync(await fixture.CreateMigratedDatabaseAsync(), "drift", "--against", file);
            Assert.True(drift.ExitCode == 0, drift.ToString());
            Assert.Contains("No drift", drift.Out, StringComparison.Ordinal);
            Assert.Contains("Note: compared across major versions", drift.Out, StringComparison.Ordinal);
        }
        finally
        {
            Db.ClearAllPools();
            await cluster.DropAsync();
        }
    }

    private static async Task<string> CreateDatabaseAsync(string server, string name)
    {
        await Db.ExecuteAsync(server, $"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
