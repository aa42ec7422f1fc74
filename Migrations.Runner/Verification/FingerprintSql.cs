using Migrations.Runner.Schema;
using Migrations.Runner.Schema.Generation;

namespace Migrations.Runner.Verification;

/// <summary>
/// The SQL behind <see cref="SchemaFingerprint"/>: event triggers that note which objects each migration touched, and
/// one query that hashes, on the server, the objects named (or all of them). An object is a unit of the schema as the
/// snapshot compares it: a relation with its columns, constraints, triggers and policies ('r'), an index or view or
/// sequence ('r' too: each is a relation of its own), a type ('t'), the functions of one name ('f'), a schema ('s'), an
/// extension ('e').
/// </summary>
internal static class FingerprintSql
{
    public const string Schema = "migrations_runner_verify";

    private const string UserSchema =
        $"n.nspname NOT IN ('pg_catalog', 'information_schema', '{Schema}') AND n.nspname NOT LIKE 'pg\\_toast%' "
        + "AND n.nspname NOT LIKE 'pg\\_temp%'";

    // The bookkeeping tables, left out as the snapshot leaves them out: a literal, not a parameter (see HashTouched).
    private static readonly string Excluded =
        "ARRAY[" + string.Join(", ", SnapshotOptions.BookkeepingTables.Select(Sql.Literal)) + "]::text[]";

    // obj_description and col_description are SQL functions, planned again at every call; a subquery is planned once.
    private static string Comment(string catalog, string oid, string subId = "0") =>
        $"(SELECT description FROM pg_description WHERE objoid = {oid} AND classoid = '{catalog}'::regclass AND objsubid = {subId})";

    private static string NotMember(string catalog, string oid) =>
        $"NOT EXISTS (SELECT FROM pg_depend x WHERE x.classid = '{catalog}'::regclass AND x.objid = {oid} AND x.deptype = 'e')";

    // SECURITY DEFINER: a migration that changes role still has its objects noted. ENABLE ALWAYS (EventTriggers): also
    // under session_replication_role = replica. The functions of one name are one unit: a function renamed or moved
    // leaves its old name to others of it, so the name each function had (functions) is noted along with the new one.
    public const string Install =
        $$"""
        CREATE SCHEMA {{Schema}};
        CREATE UNLOGGED TABLE {{Schema}}.touched (kind text NOT NULL, nsp text NOT NULL, name text NOT NULL);
        CREATE UNLOGGED TABLE {{Schema}}.functions (oid oid PRIMARY KEY, nsp text NOT NULL, name text NOT NULL);
        INSERT INTO {{Schema}}.functions SELECT p.oid, n.nspname, p.proname
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {{UserSchema}};
        CREATE FUNCTION {{Schema}}.on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $f$
        BEGIN
            INSERT INTO {{Schema}}.touched
            SELECT u.kind, u.nsp, u.name
            FROM pg_event_trigger_ddl_commands() c
            CROSS JOIN LATERAL (
                SELECT CASE WHEN r.relkind = 'c' THEN 't' ELSE 'r' END, n.nspname::text, r.relname::text
                FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace
                WHERE r.oid = CASE c.classid
                    WHEN 'pg_class'::regclass THEN c.objid
                    WHEN 'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger WHERE oid = c.objid)
                    WHEN 'pg_constraint'::regclass THEN (SELECT conrelid FROM pg_constraint WHERE oid = c.objid)
                    WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = c.objid)
                    WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite WHERE oid = c.objid)
                    WHEN 'pg_policy'::regclass THEN (SELECT polrelid FROM pg_policy WHERE oid = c.objid)
                    WHEN 'pg_type'::regclass THEN (SELECT typrelid FROM pg_type WHERE oid = c.objid)
                    END
                UNION ALL
                SELECT 't', n.nspname::text, t.typname::text
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typrelid = 0 AND t.oid = CASE c.classid
                    WHEN 'pg_type'::regclass THEN c.objid
                    WHEN 'pg_constraint'::regclass THEN (SELECT contypid FROM pg_constraint WHERE oid = c.objid)
                    END
                UNION ALL
                SELECT 'f', n.nspname::text, p.proname::text
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE c.classid = 'pg_proc'::regclass AND p.oid = c.objid
                UNION ALL
                SELECT 'f', f.nsp, f.name FROM {{Schema}}.functions f WHERE c.classid = 'pg_proc'::regclass AND f.oid = c.objid
                UNION ALL
                SELECT 's', n.nspname::text, '' FROM pg_namespace n WHERE c.classid = 'pg_namespace'::regclass AND n.oid = c.objid
                UNION ALL
                SELECT 'e', e.extname::text, '' FROM pg_extension e WHERE c.classid = 'pg_extension'::regclass AND e.oid = c.objid
            ) u(kind, nsp, name);
            INSERT INTO {{Schema}}.functions
            SELECT DISTINCT p.oid, n.nspname, p.proname
            FROM pg_event_trigger_ddl_commands() c
            JOIN pg_proc p ON c.classid = 'pg_proc'::regclass AND p.oid = c.objid
            JOIN pg_namespace n ON n.oid = p.pronamespace
            ON CONFLICT (oid) DO UPDATE SET nsp = excluded.nsp, name = excluded.name;
        END
        $f$;
        CREATE FUNCTION {{Schema}}.on_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $f$
        BEGIN
            INSERT INTO {{Schema}}.touched
            SELECT u.kind, u.nsp, u.name
            FROM pg_event_trigger_dropped_objects() d
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN d.object_type IN ('type', 'domain', 'composite type', 'domain constraint') THEN 't'
                    WHEN d.object_type IN ('function', 'procedure', 'aggregate', 'window function') THEN 'f'
                    WHEN d.object_type = 'schema' THEN 's'
                    WHEN d.object_type = 'extension' THEN 'e'
                    ELSE 'r' END
            ) k(kind)
            CROSS JOIN LATERAL (
                SELECT k.kind,
                       CASE WHEN k.kind IN ('s', 'e') THEN d.object_name
                            WHEN k.kind = 't' AND d.object_name IS NULL THEN (parse_ident(d.address_names[1], false))[1]
                            WHEN k.kind = 't' THEN d.schema_name
                            ELSE d.address_names[1] END,
                       CASE WHEN k.kind IN ('s', 'e') THEN ''
                            WHEN k.kind = 't' AND d.object_name IS NULL THEN (parse_ident(d.address_names[1], false))[2]
                            WHEN k.kind = 't' THEN d.object_name
                            ELSE d.address_names[2] END
            ) u(kind, nsp, name)
            WHERE NOT d.is_temporary AND u.nsp IS NOT NULL AND u.name IS NOT NULL
              AND coalesce(d.schema_name, '') NOT LIKE 'pg\_toast%';
        END
        $f$;
        """;

    /// <summary>What notes the objects each migration touches: event triggers, which only a superuser may create.</summary>
    public static string EventTriggers =>
        $$"""
        CREATE EVENT TRIGGER {{Schema}}_ddl ON ddl_command_end EXECUTE FUNCTION {{Schema}}.on_ddl();
        CREATE EVENT TRIGGER {{Schema}}_drop ON sql_drop EXECUTE FUNCTION {{Schema}}.on_drop();
        ALTER EVENT TRIGGER {{Schema}}_ddl ENABLE ALWAYS;
        ALTER EVENT TRIGGER {{Schema}}_drop ENABLE ALWAYS;
        CREATE FUNCTION {{Schema}}.take_touched()
            RETURNS TABLE ({{KindColumn}} text, nsp text, name text, oid bigint, hash text)
            LANGUAGE plpgsql SECURITY DEFINER {{string.Join(" ", Settings.Select(s => "SET " + s))}} AS $f$
        #variable_conflict use_column
        BEGIN
            RETURN QUERY {{HashTouched}};
        END
        $f$;
        GRANT USAGE ON SCHEMA {{Schema}} TO PUBLIC;
        GRANT EXECUTE ON FUNCTION {{Schema}}.take_touched() TO PUBLIC;
        """;

    // As SchemaReader's: the text of pg_get_* then depends on the objects alone.
    private static readonly string[] Settings =
    [
        "search_path = pg_catalog", "quote_all_identifiers = off", "datestyle = 'ISO, MDY'", "intervalstyle = postgres",
        "timezone = 'UTC'", "extra_float_digits = 1", "bytea_output = hex", "standard_conforming_strings = on",
    ];

    /// <summary>The settings of the fingerprint's own session.</summary>
    public static readonly string SessionSetup = string.Join("; ", Settings.Select(s => "SET " + s));

    /// <summary>The first column of <see cref="TakeTouched"/>'s rows, by which they are told from a migration's own.</summary>
    public const string KindColumn = "migrations_runner_kind";

    /// <summary>
    /// <see cref="HashTouched"/> as one short call: it can ride in a migration's own transaction, after its bookkeeping,
    /// in whatever state the migration left the session, and is planned once per session however often it is sent.
    /// </summary>
    public const string TakeTouched = $"SELECT * FROM {Schema}.take_touched()";

    private static readonly string Relation =
        $"""
        SELECT c.oid, md5(concat_ws(E'\n', c.relkind, c.relpersistence, c.relispartition, c.reloptions::text,
            c.relrowsecurity, c.relforcerowsecurity, {Comment("pg_class", "c.oid")},
            CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
            CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
            (SELECT string_agg(pc.relnamespace::regnamespace::text || '.' || pc.relname, ',' ORDER BY i.inhseqno)
             FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent WHERE i.inhrelid = c.oid),
            (SELECT string_agg(concat_ws(' ', quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull,
                    a.attidentity, a.attgenerated, pg_get_expr(ad.adbin, ad.adrelid), a.attcollation <> t.typcollation,
                    a.attcollation::regcollation::text, {Comment("pg_class", "c.oid", "a.attnum")}), E'\n' ORDER BY a.attnum)
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
             LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
            (SELECT string_agg(concat_ws(' ', quote_ident(k.conname), k.contype, pg_get_constraintdef(k.oid),
                    {Comment("pg_constraint", "k.oid")}), E'\n' ORDER BY k.conname)
             FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('p', 'f', 'u', 'c', 'x')),
            (SELECT concat_ws(' ', pg_get_indexdef(x.indexrelid), x.indisvalid) FROM pg_index x WHERE x.indexrelid = c.oid),
            CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END,
            (SELECT concat_ws(' ', format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
                    s.seqcycle, (SELECT dep.refobjid::regclass::text || '.' || dep.refobjsubid FROM pg_depend dep
                                 WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.refobjsubid > 0
                                   AND dep.deptype IN ('a', 'i') LIMIT 1))
             FROM pg_sequence s WHERE s.seqrelid = c.oid),
            (SELECT string_agg(concat_ws(' ', quote_ident(g.tgname), pg_get_triggerdef(g.oid), g.tgenabled,
                    {Comment("pg_trigger", "g.oid")}), E'\n' ORDER BY g.tgname)
             FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal),
            (SELECT string_agg(concat_ws(' ', quote_ident(p.polname), p.polcmd, p.polpermissive, p.polroles::text,
                    pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                    {Comment("pg_policy", "p.oid")}), E'\n' ORDER BY p.polname)
             FROM pg_policy p WHERE p.polrelid = c.oid)))
        FROM pg_class c
        WHERE c.relnamespace = n.oid AND c.relname = d.name AND c.relkind <> 'c' AND NOT (c.relname = ANY({Excluded}))
        """;

    private static readonly string Type =
        $"""
        SELECT t.oid, md5(concat_ws(E'\n', t.typtype, {Comment("pg_type", "t.oid")},
            (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
            CASE WHEN t.typtype = 'd' THEN concat_ws(' ', format_type(t.typbasetype, t.typtypmod), t.typnotnull,
                pg_get_expr(t.typdefaultbin, 0), t.typcollation::regcollation::text) END,
            (SELECT string_agg(concat_ws(' ', quote_ident(k.conname), pg_get_constraintdef(k.oid)), ',' ORDER BY k.conname)
             FROM pg_constraint k WHERE k.contypid = t.oid),
            (SELECT string_agg(concat_ws(' ', quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
                    a.attcollation::regcollation::text), ',' ORDER BY a.attnum)
             FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)))
        FROM pg_type t
        WHERE t.typnamespace = n.oid AND t.typname = d.name
          AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
        """;

    private static readonly string Functions =
        $"""
        SELECT min(p.oid), md5(string_agg(concat_ws(' ', p.prokind, pg_get_functiondef(p.oid), {Comment("pg_proc", "p.oid")}),
            E'\n' ORDER BY oidvectortypes(p.proargtypes) COLLATE "C"))
        FROM pg_proc p
        WHERE p.pronamespace = n.oid AND p.proname = d.name AND p.prokind IN ('f', 'p', 'w')
        HAVING count(*) > 0
        """;

    /// <summary>
    /// Takes (and clears) the objects noted since the last call and returns each with its oid and hash, both null when
    /// it does not exist. It has no parameters, so the server plans it once per session: with parameters it was planned
    /// again at every run (a custom plan), which cost more than running it and grew with the catalogs.
    /// </summary>
    private static readonly string HashTouched = Hash(named: "");

    /// <summary>As <see cref="HashTouched"/>, and every object of the schema too.</summary>
    public static readonly string HashEverything = Hash(named:
        $"""
        UNION ALL SELECT CASE WHEN c.relkind = 'c' THEN 't' ELSE 'r' END, n.nspname, c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {UserSchema}
        UNION ALL SELECT 't', n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typtype IN ('e', 'd') AND {UserSchema}
        UNION ALL SELECT 'f', n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE {UserSchema}
        UNION ALL SELECT 's', n.nspname, '' FROM pg_namespace n WHERE {UserSchema}
        UNION ALL SELECT 'e', e.extname, '' FROM pg_extension e
        """);

    private static string Hash(string named) =>
        $$"""
        WITH taken AS (DELETE FROM {{Schema}}.touched RETURNING kind, nsp, name),
        d AS (
            SELECT DISTINCT kind, nsp, name FROM (
                SELECT kind, nsp, name FROM taken
                {{named}}
            ) all_named
        )
        SELECT d.kind, d.nsp, d.name, h.oid::bigint, h.hash
        FROM d
        LEFT JOIN pg_namespace n ON n.nspname = d.nsp AND d.kind IN ('r', 't', 'f', 's') AND {{UserSchema}}
        LEFT JOIN LATERAL (
            {{Relation}} AND d.kind = 'r' AND {{NotMember("pg_class", "c.oid")}}
            UNION ALL
            {{Type}} AND d.kind = 't' AND {{NotMember("pg_type", "t.oid")}}
            UNION ALL
            {{Functions.Replace("HAVING", $"AND d.kind = 'f' AND {NotMember("pg_proc", "p.oid")} HAVING", StringComparison.Ordinal)}}
            UNION ALL
            SELECT n.oid, md5(coalesce({{Comment("pg_namespace", "n.oid")}}, ''))
            WHERE d.kind = 's' AND n.oid IS NOT NULL AND {{NotMember("pg_namespace", "n.oid")}}
            UNION ALL
            SELECT e.oid, md5(concat_ws(' ', e.extversion, e.extnamespace::regnamespace::text, {{Comment("pg_extension", "e.oid")}}))
            FROM pg_extension e WHERE d.kind = 'e' AND e.extname = d.nsp
        ) h(oid, hash) ON true
        """;
}
