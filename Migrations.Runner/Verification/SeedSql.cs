namespace Migrations.Runner.Verification;

/// <summary>
/// The generic row generator of <c>verify --with-data</c>, as functions in the scratch database: a few rows for every
/// table, each column's value made from its type (numbers, text, dates, enums' labels, uuids, ...), a foreign key's
/// from the rows of the table it refers to, defaults and identities left to the table. A table whose insert fails (a
/// check, a unique key on a boolean, a type it cannot make) is left empty and named with the reason; one that waits
/// for a referenced table's rows is tried again after the others.
/// </summary>
internal static class SeedSql
{
    private const string Schema = FingerprintSql.Schema;

    public const string Install =
        $$"""
        CREATE FUNCTION {{Schema}}.value_for(rel oid, col smallint, typ oid, typmod int) RETURNS text
        LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $f$
        DECLARE
            base oid := typ;
            category "char";
            target text := format_type(typ, typmod);
            fk record;
        BEGIN
            SELECT k.confrelid, a.attname INTO fk
            FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = k.confkey[1]
            WHERE k.conrelid = rel AND k.contype = 'f' AND k.conkey = ARRAY[col] LIMIT 1;
            IF FOUND THEN
                RETURN format('(SELECT r.%1$I FROM %2$s r ORDER BY 1 OFFSET (g - 1) %% greatest((SELECT count(*) FROM %2$s), 1) LIMIT 1)',
                              fk.attname, fk.confrelid::regclass);
            END IF;
            WHILE (SELECT typtype FROM pg_type WHERE oid = base) = 'd' LOOP
                base := (SELECT typbasetype FROM pg_type WHERE oid = base);
            END LOOP;
            category := (SELECT typcategory FROM pg_type WHERE oid = base);
            RETURN CASE
                WHEN base IN ('time'::regtype, 'timetz'::regtype) THEN format('(time ''00:00'' + g * interval ''1 minute'')::%s', target)
                WHEN base = 'uuid'::regtype THEN format('md5(g::text)::uuid::%s', target)
                WHEN base IN ('json'::regtype, 'jsonb'::regtype) THEN format('json_build_object(''seed'', g)::%s', target)
                WHEN base = 'bytea'::regtype THEN format('decode(md5(g::text), ''hex'')::%s', target)
                WHEN base IN ('inet'::regtype, 'cidr'::regtype) THEN format('(''10.0.0.'' || g)::%s', target)
                WHEN category = 'N' THEN format('(1000 + g)::%s', target)
                WHEN category = 'S' THEN format('(''seed '' || g)::%s', target)
                WHEN category = 'B' THEN format('true::%s', target)
                WHEN category = 'D' THEN format('(timestamp ''2001-01-01'' + g * interval ''1 day'')::%s', target)
                WHEN category = 'T' THEN format('(g * interval ''1 minute'')::%s', target)
                WHEN category = 'E' THEN format('(enum_range(NULL::%1$s))[1 + (g - 1) %% cardinality(enum_range(NULL::%1$s))]::%2$s',
                                                format_type(base, NULL), target)
                WHEN category = 'A' THEN format('''{}''::%s', target)
            END;
        END
        $f$;

        CREATE FUNCTION {{Schema}}.seed(excluded text[], how_many int)
        RETURNS TABLE (tbl text, tbl_schema text, tbl_name text, seeded_by text, seeded bigint, reason text)
        LANGUAGE plpgsql SET search_path = pg_catalog AS $f$
        DECLARE
            pending oid[];
            errors jsonb := '{}';
            progress bool;
            rel oid;
            cols text;
            vals text;
            missing text;
        BEGIN
            pending := ARRAY(
                SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND NOT (c.relname = ANY(excluded))
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema', '{{Schema}}') AND n.nspname NOT LIKE 'pg\_%'
                  AND NOT EXISTS (SELECT FROM pg_depend x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid AND x.deptype = 'e')
                ORDER BY c.oid);
            LOOP
                progress := false;
                FOREACH rel IN ARRAY pending LOOP
                    BEGIN
                        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum),
                               string_agg({{Schema}}.value_for(rel, a.attnum, a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum),
                               string_agg(CASE WHEN {{Schema}}.value_for(rel, a.attnum, a.atttypid, a.atttypmod) IS NULL
                                               THEN format_type(a.atttypid, a.atttypmod) END, ', ')
                        INTO cols, vals, missing
                        FROM pg_attribute a
                        WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
                          AND NOT a.atthasdef AND a.attidentity = '' AND a.attgenerated = '';
                        IF missing IS NOT NULL THEN
                            RAISE EXCEPTION 'no value for a column of type %', missing;
                        END IF;
                        EXECUTE CASE WHEN cols IS NULL
                            THEN format('INSERT INTO %s SELECT FROM generate_series(1, %s) g RETURNING xmin', rel::regclass, how_many)
                            ELSE format('INSERT INTO %s (%s) SELECT %s FROM generate_series(1, %s) g RETURNING xmin',
                                        rel::regclass, cols, vals, how_many) END
                            INTO seeded_by;
                        SELECT rel::regclass::text, n.nspname, c.relname INTO tbl, tbl_schema, tbl_name
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
                        seeded := how_many;
                        reason := NULL;
                        RETURN NEXT;
                        pending := array_remove(pending, rel);
                        progress := true;
                    EXCEPTION WHEN OTHERS THEN
                        errors := errors || jsonb_build_object(rel::text, SQLSTATE || ' ' || SQLERRM);
                    END;
                END LOOP;
                EXIT WHEN NOT progress OR cardinality(pending) = 0;
            END LOOP;
            FOREACH rel IN ARRAY pending LOOP
                SELECT rel::regclass::text, n.nspname, c.relname INTO tbl, tbl_schema, tbl_name
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
                seeded_by := NULL;
                seeded := 0;
                reason := errors ->> rel::text;
                RETURN NEXT;
            END LOOP;
        END
        $f$;

        CREATE FUNCTION {{Schema}}.kept(tbls text[], seeded_by text[]) RETURNS TABLE (tbl text, kept bigint)
        LANGUAGE plpgsql SET search_path = pg_catalog AS $f$
        DECLARE
            i int;
        BEGIN
            FOR i IN 1 .. coalesce(cardinality(tbls), 0) LOOP
                tbl := tbls[i];
                kept := NULL;
                IF to_regclass(tbls[i]) IS NOT NULL THEN
                    EXECUTE format('SELECT count(*) FROM %s WHERE xmin = %L::xid', to_regclass(tbls[i]), seeded_by[i]) INTO kept;
                END IF;
                RETURN NEXT;
            END LOOP;
        END
        $f$;

        CREATE FUNCTION {{Schema}}.unseed(tbls text[], seeded_by text[]) RETURNS void
        LANGUAGE plpgsql SET search_path = pg_catalog AS $f$
        DECLARE
            i int;
        BEGIN
            FOR i IN REVERSE coalesce(cardinality(tbls), 0) .. 1 LOOP
                IF to_regclass(tbls[i]) IS NOT NULL THEN
                    EXECUTE format('DELETE FROM %s WHERE xmin = %L::xid', to_regclass(tbls[i]), seeded_by[i]);
                END IF;
            END LOOP;
        END
        $f$;
        """;
}
