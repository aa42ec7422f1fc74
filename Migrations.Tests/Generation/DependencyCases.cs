namespace Migrations.Tests.Generation;

/// <summary>
/// Changes whose dependents PostgreSQL knows by object, not by anything the changed object's own definition shows: a
/// function used only in a default, a check, a generated column, an index or a domain's check, dropped and created
/// again (an argument renamed cannot be replaced); a domain whose base type changes under a column; an enum that loses
/// a label while a function takes it; a sequence owned by a table that is dropped.
/// </summary>
public static class DependencyCases
{
    /// <summary>Objects the cases change, each used by exactly one dependent, in a schema of their own.</summary>
    public const string Seed =
        """
        CREATE SCHEMA dep;
        CREATE FUNCTION dep.next_code(prefix text) RETURNS text LANGUAGE sql AS $$SELECT prefix || '-1'$$;
        CREATE FUNCTION dep.is_even(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT n % 2 = 0';
        CREATE FUNCTION dep.twice(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT n * 2';
        CREATE FUNCTION dep.lower_of(t text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower(t)';
        CREATE FUNCTION dep.half(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT n / 2';
        CREATE FUNCTION dep.quarter(n integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN dep.half(dep.half(n));
        CREATE FUNCTION dep.small(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT n < 1000';
        CREATE DOMAIN dep.small_int AS integer CONSTRAINT small_int_check CHECK (dep.small(VALUE));
        CREATE DOMAIN dep.amount AS integer DEFAULT 0;
        CREATE TYPE dep.status AS ENUM ('new', 'open', 'closed');
        CREATE FUNCTION dep.is_open(s dep.status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT s = 'open'$$;
        CREATE TABLE dep.things (
            id integer PRIMARY KEY,
            code text DEFAULT dep.next_code('c'),
            n integer CONSTRAINT things_n_even CHECK (dep.is_even(n)),
            doubled integer GENERATED ALWAYS AS (dep.twice(n)) STORED,
            name text,
            size dep.small_int,
            price dep.amount,
            status dep.status DEFAULT 'new');
        CREATE INDEX things_lower_name ON dep.things (dep.lower_of(name));
        CREATE VIEW dep.prices AS SELECT id, price FROM dep.things;
        CREATE SEQUENCE dep.ticket;
        CREATE TABLE dep.tickets (id integer NOT NULL DEFAULT nextval('dep.ticket'), note text);
        ALTER SEQUENCE dep.ticket OWNED BY dep.tickets.id;
        CREATE SEQUENCE dep.badge;
        CREATE TABLE dep.badges (id integer NOT NULL DEFAULT nextval('dep.badge'));
        INSERT INTO dep.things (id, n, name, size, price, status) SELECT g, g * 2, 'N' || g, g, g, 'open' FROM generate_series(1, 3) g;
        """;

    private static readonly (string Name, string Sql)[] Table =
    [
        ("function used only in a column default is created again", """
            DROP FUNCTION dep.next_code(text) CASCADE;
            CREATE FUNCTION dep.next_code(p text) RETURNS text LANGUAGE sql AS $$SELECT p || '-1'$$;
            ALTER TABLE dep.things ALTER code SET DEFAULT dep.next_code('c')
            """),
        ("function used only in a check constraint is created again", """
            DROP FUNCTION dep.is_even(integer) CASCADE;
            CREATE FUNCTION dep.is_even(v integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT v % 2 = 0';
            ALTER TABLE dep.things ADD CONSTRAINT things_n_even CHECK (dep.is_even(n))
            """),
        ("function used only in a generated column is created again", """
            DROP FUNCTION dep.twice(integer) CASCADE;
            CREATE FUNCTION dep.twice(v integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT v * 2';
            ALTER TABLE dep.things ADD COLUMN doubled integer GENERATED ALWAYS AS (dep.twice(n)) STORED
            """),
        ("function used only in an index expression is created again", """
            DROP FUNCTION dep.lower_of(text) CASCADE;
            CREATE FUNCTION dep.lower_of(s text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower(s)';
            CREATE INDEX things_lower_name ON dep.things (dep.lower_of(name))
            """),
        ("function used only in a domain's check is created again", """
            DROP FUNCTION dep.small(integer) CASCADE;
            CREATE FUNCTION dep.small(v integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT v < 1000';
            ALTER DOMAIN dep.small_int ADD CONSTRAINT small_int_check CHECK (dep.small(VALUE))
            """),
        ("function called by a SQL-standard body is created again", """
            DROP FUNCTION dep.half(integer) CASCADE;
            CREATE FUNCTION dep.half(v integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT v / 2';
            CREATE FUNCTION dep.quarter(n integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN dep.half(dep.half(n))
            """),
        ("domain added whose check calls a function added with it", """
            CREATE FUNCTION dep.short(t text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT length(t) < 10';
            CREATE DOMAIN dep.code AS text DEFAULT 'x' CONSTRAINT code_short CHECK (dep.short(VALUE))
            """),
        ("domain changes its base type while a column and a view use it", """
            DROP VIEW dep.prices;
            ALTER TABLE dep.things ALTER price TYPE integer;
            DROP DOMAIN dep.amount;
            CREATE DOMAIN dep.amount AS bigint DEFAULT 0;
            ALTER TABLE dep.things ALTER price TYPE dep.amount;
            CREATE VIEW dep.prices AS SELECT id, price FROM dep.things
            """),
        ("enum loses a label while a function takes it as an argument", """
            DROP FUNCTION dep.is_open(dep.status);
            ALTER TYPE dep.status RENAME TO status_was;
            CREATE TYPE dep.status AS ENUM ('new', 'open');
            ALTER TABLE dep.things ALTER status DROP DEFAULT,
                ALTER status TYPE dep.status USING status::text::dep.status, ALTER status SET DEFAULT 'new';
            DROP TYPE dep.status_was;
            CREATE FUNCTION dep.is_open(s dep.status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT s = 'open'$$
            """),
        ("table dropped whose column owns a sequence that stays", "ALTER SEQUENCE dep.ticket OWNED BY NONE; DROP TABLE dep.tickets"),
        ("table dropped with the sequence its default uses", "DROP TABLE dep.badges; DROP SEQUENCE dep.badge"),
        // Down adds the column back at the end: equal all the same, as column order is not compared.
        ("column dropped from the middle of a table", "ALTER TABLE dep.things DROP COLUMN name"),
    ];

    public static IReadOnlyDictionary<string, string> All { get; } = Table.ToDictionary(c => c.Name, c => c.Sql);
}
