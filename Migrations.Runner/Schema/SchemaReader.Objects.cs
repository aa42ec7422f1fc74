namespace Migrations.Runner.Schema;

/// <summary>
/// The kinds pg_dump --schema-only prints that the first snapshot did not read: collations, aggregates, text search,
/// rules, extended statistics, publications, default privileges; and, in the table and column queries, replica
/// identity, storage, compression and statistics targets. Catalog columns that differ across 14 to 18 are read in a
/// form every one of them answers (NULLIF(x::int, -1) for a target that 17 made nullable, to_jsonb for renamed ones).
/// </summary>
public static partial class SchemaReader
{
    private const string ReplicaIdentity =
        """
        CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
            WHEN 'i' THEN 'using index ' || (SELECT quote_ident(ic.relname) FROM pg_index ri JOIN pg_class ic ON ic.oid = ri.indexrelid
                                             WHERE ri.indrelid = c.oid AND ri.indisreplident) END
        """;

    private const string ColumnStorage =
        """
        CASE WHEN a.attstorage <> t.typstorage
             THEN CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ELSE 'extended' END END,
        CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END,
        NULLIF(a.attstattarget::int, -1)
        """;

    private static string Qualified(string schema, string name) => $"quote_ident({schema}) || '.' || quote_ident({name})";

    private static string Proc(string oid) =>
        $"(SELECT {Qualified("fn.nspname", "f.proname")} FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace "
        + $"WHERE f.oid = {oid})";

    private static IEnumerable<string> ObjectQueries(int serverVersion)
    {
        yield return $"""
            SELECT n.nspname, co.collname,
                   format('CREATE COLLATION %s (provider = %s, %s%s%s)', {Qualified("n.nspname", "co.collname")},
                          CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END,
                          CASE WHEN co.collprovider = 'c' THEN format('lc_collate = %L, lc_ctype = %L', co.collcollate, co.collctype)
                               ELSE format('locale = %L', coalesce(j.j ->> 'colllocale', j.j ->> 'colliculocale', co.collcollate)) END,
                          CASE WHEN NOT co.collisdeterministic THEN ', deterministic = false' END,
                          CASE WHEN j.j ->> 'collicurules' IS NOT NULL THEN format(', rules = %L', j.j ->> 'collicurules') END),
                   d.description
            FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace CROSS JOIN LATERAL (SELECT to_jsonb(co) AS j) j
            {Comment("pg_collation", "co.oid")}
            WHERE {UserSchema("n")} AND {NotExtensionMember("pg_collation", "co.oid")}
            ORDER BY n.nspname, co.collname
            """;
        yield return $"""
            SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                   format('CREATE AGGREGATE %s(%s) (SFUNC = %s, STYPE = %s%s%s%s%s%s%s%s%s)',
                          {Qualified("n.nspname", "p.proname")}, pg_get_function_arguments(p.oid), {Proc("a.aggtransfn")},
                          format_type(a.aggtranstype, NULL),
                          CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || {Proc("a.aggfinalfn")} END,
                          CASE WHEN a.aggfinalextra THEN ', FINALFUNC_EXTRA' END,
                          CASE WHEN a.aggcombinefn <> 0 THEN ', COMBINEFUNC = ' || {Proc("a.aggcombinefn")} END,
                          CASE WHEN a.aggserialfn <> 0 THEN ', SERIALFUNC = ' || {Proc("a.aggserialfn")}
                               || ', DESERIALFUNC = ' || {Proc("a.aggdeserialfn")} END,
                          CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || quote_literal(a.agginitval) END,
                          CASE WHEN a.aggsortop <> 0
                               THEN ', SORTOP = ' || (SELECT o.oprname FROM pg_operator o WHERE o.oid = a.aggsortop) END,
                          CASE WHEN a.aggkind = 'h' THEN ', HYPOTHETICAL' END,
                          CASE p.proparallel WHEN 's' THEN ', PARALLEL = SAFE' WHEN 'r' THEN ', PARALLEL = RESTRICTED' END),
                   d.description
            FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
            {Comment("pg_proc", "p.oid")}
            WHERE {UserSchema("n")} AND {NotExtensionMember("pg_proc", "p.oid")}
            ORDER BY n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) COLLATE "C"
            """;
        yield return $"""
            SELECT 'template', n.nspname, t.tmplname,
                   format('CREATE TEXT SEARCH TEMPLATE %s (%sLEXIZE = %s)', {Qualified("n.nspname", "t.tmplname")},
                          CASE WHEN t.tmplinit <> 0 THEN 'INIT = ' || {Proc("t.tmplinit")} || ', ' END, {Proc("t.tmpllexize")}),
                   ARRAY[]::text[], d.description
            FROM pg_ts_template t JOIN pg_namespace n ON n.oid = t.tmplnamespace
            {Comment("pg_ts_template", "t.oid")}
            WHERE {UserSchema("n")} AND {NotExtensionMember("pg_ts_template", "t.oid")}
            UNION ALL
            SELECT 'parser', n.nspname, p.prsname,
                   format('CREATE TEXT SEARCH PARSER %s (START = %s, GETTOKEN = %s, END = %s, LEXTYPES = %s%s)',
                          {Qualified("n.nspname", "p.prsname")}, {Proc("p.prsstart")}, {Proc("p.prstoken")}, {Proc("p.prsend")},
                          {Proc("p.prslextype")}, CASE WHEN p.prsheadline <> 0 THEN ', HEADLINE = ' || {Proc("p.prsheadline")} END),
                   ARRAY[]::text[], d.description
            FROM pg_ts_parser p JOIN pg_namespace n ON n.oid = p.prsnamespace
            {Comment("pg_ts_parser", "p.oid")}
            WHERE {UserSchema("n")} AND {NotExtensionMember("pg_ts_parser", "p.oid")}
            UNION ALL
            SELECT 'dictionary', n.nspname, t.dictname,
                   format('CREATE TEXT SEARCH DICTIONARY %s (TEMPLATE = %s%s)', {Qualified("n.nspname", "t.dictname")},
                          (SELECT {Qualified("tn.nspname", "tt.tmplname")} FROM pg_ts_template tt
                           JOIN pg_namespace tn ON tn.oid = tt.tmplnamespace WHERE tt.oid = t.dicttemplate),
                          ', ' || t.dictinitoption),
                   ARRAY[]::text[], d.description
            FROM pg_ts_dict t JOIN pg_namespace n ON n.oid = t.dictnamespace
            {Comment("pg_ts_dict", "t.oid")}
            WHERE {UserSchema("n")} AND {NotExtensionMember("pg_ts_dict", "t.oid")}
            UNION ALL
            SELECT 'configuration', n.nspname, c.cfgname,
                   format('CREATE TEXT SEARCH CONFIGURATION %s (PARSER = %s)', {Qualified("n.nspname", "c.cfgname")},
                          (SELECT {Qualified("pn.nspname", "pp.prsname")} FROM pg_ts_parser pp
                           JOIN pg_namespace pn ON pn.oid = pp.prsnamespace WHERE pp.oid = c.cfgparser)),
                   ARRAY(SELECT format('%s WITH %s', t.alias,
                                       string_agg({Qualified("dn.nspname", "dd.dictname")}, ', ' ORDER BY m.mapseqno))
                         FROM pg_ts_config_map m JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype
                         JOIN pg_ts_dict dd ON dd.oid = m.mapdict JOIN pg_namespace dn ON dn.oid = dd.dictnamespace
                         WHERE m.mapcfg = c.oid GROUP BY t.alias ORDER BY t.alias COLLATE "C"),
                   d.description
            FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
            {Comment("pg_ts_config", "c.oid")}
            WHERE {UserSchema("n")} AND {NotExtensionMember("pg_ts_config", "c.oid")}
            ORDER BY 2, 3, 1
            """;
        yield return $"""
            SELECT n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled::text, d.description
            FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
            {Comment("pg_rewrite", "r.oid")}
            WHERE r.rulename <> '_RETURN' AND {UserRelation("c", "n")}
            ORDER BY n.nspname, c.relname, r.rulename
            """;
        yield return $"""
            SELECT n.nspname, s.stxname, pg_get_statisticsobjdef(s.oid), NULLIF(s.stxstattarget::int, -1), d.description
            FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
            JOIN pg_class c ON c.oid = s.stxrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
            {Comment("pg_statistic_ext", "s.oid")}
            WHERE {UserSchema("n")} AND {UserRelation("c", "cn")}
            ORDER BY n.nspname, s.stxname
            """;
        // Column lists, row filters and FOR TABLES IN SCHEMA are PostgreSQL 15's.
        var since15 = serverVersion >= 150000;
        var columnsAndFilter = since15
            ? """
              || CASE WHEN pr.prattrs IS NOT NULL THEN ' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                                    FROM pg_attribute a
                                    WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs::int2[])) || ')' ELSE '' END
              || CASE WHEN pr.prqual IS NOT NULL THEN ' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')' ELSE '' END
              """
            : "";
        var schemas = since15
            ? """
              ARRAY(SELECT quote_ident(sn.nspname) FROM pg_publication_namespace pn JOIN pg_namespace sn ON sn.oid = pn.pnnspid
                    WHERE pn.pnpubid = p.oid ORDER BY 1)
              """
            : "ARRAY[]::text[]";
        yield return $"""
            SELECT p.pubname, p.puballtables,
                   concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
                             CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END),
                   p.pubviaroot,
                   ARRAY(SELECT {Qualified("rn.nspname", "rc.relname")} {columnsAndFilter}
                         FROM pg_publication_rel pr JOIN pg_class rc ON rc.oid = pr.prrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
                         WHERE pr.prpubid = p.oid ORDER BY 1),
                   {schemas}, d.description
            FROM pg_publication p
            {Comment("pg_publication", "p.oid")}
            ORDER BY p.pubname
            """;
        yield return """
            SELECT pg_get_userbyid(a.defaclrole), n.nspname,
                   CASE a.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES'
                        ELSE 'SCHEMAS' END,
                   a.defaclacl::text[]
            FROM pg_default_acl a LEFT JOIN pg_namespace n ON n.oid = a.defaclnamespace
            ORDER BY 1, 2 NULLS FIRST, 3
            """;
    }

    private sealed record Objects(
        ValueList<CollationInfo> Collations,
        ValueList<AggregateInfo> Aggregates,
        ValueList<TextSearchInfo> TextSearch,
        ValueList<RuleInfo> Rules,
        ValueList<StatisticsInfo> Statistics,
        ValueList<PublicationInfo> Publications,
        ValueList<DefaultPrivilegeInfo> DefaultPrivileges);

    private static async Task<Objects> ReadObjectsAsync(Rows rows) => new(
        await rows.ReadAsync(r => new CollationInfo(r.Text(0), r.Text(1), r.Text(2), r.NullableText(3))),
        await rows.ReadAsync(r => new AggregateInfo(r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.NullableText(4))),
        await rows.ReadAsync(r => new TextSearchInfo(
            Enum.Parse<TextSearchKind>(r.Text(0), ignoreCase: true), r.Text(1), r.Text(2), r.Text(3), r.List(4), r.NullableText(5))),
        await rows.ReadAsync(r => new RuleInfo(r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.NullableText(5))),
        await rows.ReadAsync(r => new StatisticsInfo(r.Text(0), r.Text(1), r.Text(2), r.NullableInt(3), r.NullableText(4))),
        await rows.ReadAsync(r => new PublicationInfo(r.Text(0), r.Bool(1), r.Text(2), r.Bool(3), r.List(4), r.List(5), r.NullableText(6))),
        await rows.ReadAsync(r => new DefaultPrivilegeInfo(r.Text(0), r.NullableText(1), r.Text(2), r.SortedList(3))));
}
