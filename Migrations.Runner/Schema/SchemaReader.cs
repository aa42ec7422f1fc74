using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Migrations.Runner.Schema;

/// <summary>Reads a <see cref="SchemaSnapshot"/> from pg_catalog.</summary>
public static partial class SchemaReader
{
    // pg_get_* and format_type qualify a name only when it is not visible on the reading session's search_path, and
    // print constants with that session's date, interval, time zone and float settings. Fixing them makes the text
    // depend on the objects alone: whoever reads them, and whether they came from migrations or from a pg_dump script.
    private const string SessionSetup =
        """
        SET TRANSACTION READ ONLY;
        SELECT current_setting('server_version_num')::int,
               set_config('search_path', 'pg_catalog', true),
               set_config('quote_all_identifiers', 'off', true),
               set_config('datestyle', 'ISO, MDY', true),
               set_config('intervalstyle', 'postgres', true),
               set_config('timezone', 'UTC', true),
               set_config('extra_float_digits', '1', true),
               set_config('bytea_output', 'hex', true)
        """;

    private static string UserSchema(string n) =>
        $"{n}.nspname NOT IN ('pg_catalog', 'information_schema') AND {n}.nspname NOT LIKE 'pg\\_toast%' "
        + $"AND {n}.nspname NOT LIKE 'pg\\_temp%'";

    private static string NotExtensionMember(string catalog, string oid) =>
        $"NOT EXISTS (SELECT FROM pg_depend x WHERE x.classid = '{catalog}'::regclass AND x.objid = {oid} AND x.deptype = 'e')";

    // $1 is SnapshotOptions.ExcludedTables.
    private static string UserRelation(string c, string n) =>
        $"{UserSchema(n)} AND {NotExtensionMember("pg_class", $"{c}.oid")} AND NOT ({c}.relkind IN ('r', 'p') AND {c}.relname = ANY($1))";

    private static string Comment(string catalog, string oid, string subId = "0") =>
        $"LEFT JOIN pg_description d ON d.classoid = '{catalog}'::regclass AND d.objoid = {oid} AND d.objsubid = {subId}";

    private static string Collation(string collationOid) =>
        $"""
        (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                     ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
         FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = {collationOid})
        """;

    // One set-based query per kind of object, all sent in one batch: the cost does not grow with round trips per table.
    private static readonly string[] Queries =
    [
        $"""
        SELECT e.extname, n.nspname, e.extversion, d.description
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        {Comment("pg_extension", "e.oid")}
        ORDER BY e.extname
        """,
        $"""
        SELECT n.nspname, d.description, pg_get_userbyid(n.nspowner), coalesce(n.nspacl, acldefault('n', n.nspowner))::text[]
        FROM pg_namespace n
        {Comment("pg_namespace", "n.oid")}
        WHERE {UserSchema("n")} AND {NotExtensionMember("pg_namespace", "n.oid")}
        ORDER BY n.nspname
        """,
        $"""
        SELECT n.nspname, t.typname, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
               d.description, pg_get_userbyid(t.typowner), coalesce(t.typacl, acldefault('T', t.typowner))::text[]
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        {Comment("pg_type", "t.oid")}
        WHERE t.typtype = 'e' AND {UserSchema("n")} AND {NotExtensionMember("pg_type", "t.oid")}
        ORDER BY n.nspname, t.typname
        """,
        $"""
        SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, pg_get_expr(t.typdefaultbin, 0),
               CASE WHEN t.typcollation <> b.typcollation THEN {Collation("t.typcollation")} END,
               ARRAY(SELECT c.conname::text FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
               ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                     WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
               d.description, pg_get_userbyid(t.typowner), coalesce(t.typacl, acldefault('T', t.typowner))::text[]
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type b ON b.oid = t.typbasetype
        {Comment("pg_type", "t.oid")}
        WHERE t.typtype = 'd' AND {UserSchema("n")} AND {NotExtensionMember("pg_type", "t.oid")}
        ORDER BY n.nspname, t.typname
        """,
        $"""
        SELECT n.nspname, t.typname,
               ARRAY(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
               ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                     WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
               ARRAY(SELECT CASE WHEN a.attcollation <> at.typcollation THEN {Collation("a.attcollation")} END
                     FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
                     WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
               d.description, pg_get_userbyid(t.typowner), coalesce(t.typacl, acldefault('T', t.typowner))::text[]
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
        {Comment("pg_type", "t.oid")}
        WHERE t.typtype = 'c' AND c.relkind = 'c' AND {UserSchema("n")} AND {NotExtensionMember("pg_type", "t.oid")}
        ORDER BY n.nspname, t.typname
        """,
        $"""
        SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
               o.owned_by, d.description, pg_get_userbyid(c.relowner), coalesce(c.relacl, acldefault('s', c.relowner))::text[]
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN LATERAL (
            SELECT oc.relname, oc.relkind, format('%s.%s.%s', on_.nspname, oc.relname, oa.attname) AS owned_by
            FROM pg_depend dep
            JOIN pg_class oc ON oc.oid = dep.refobjid
            JOIN pg_namespace on_ ON on_.oid = oc.relnamespace
            JOIN pg_attribute oa ON oa.attrelid = oc.oid AND oa.attnum = dep.refobjsubid
            WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.refclassid = 'pg_class'::regclass
              AND dep.refobjsubid > 0 AND dep.deptype IN ('a', 'i')
        ) o ON true
        {Comment("pg_class", "c.oid")}
        WHERE {UserRelation("c", "n")} AND (o.relname IS NULL OR NOT (o.relkind IN ('r', 'p') AND o.relname = ANY($1)))
        ORDER BY n.nspname, c.relname
        """,
        $"""
        SELECT n.nspname, c.relname,
               CASE WHEN c.relispartition THEN 'partition' WHEN c.relkind = 'p' THEN 'partitioned' ELSE 'ordinary' END,
               CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
               CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
               ARRAY(SELECT format('%s.%s', pn.nspname, pc.relname)
                     FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                     WHERE i.inhrelid = c.oid ORDER BY i.inhseqno),
               c.relpersistence = 'u', coalesce(c.reloptions, ARRAY[]::text[]), c.relrowsecurity, c.relforcerowsecurity,
               d.description, pg_get_userbyid(c.relowner), coalesce(c.relacl, acldefault('r', c.relowner))::text[],
               {ReplicaIdentity}
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        {Comment("pg_class", "c.oid")}
        WHERE c.relkind IN ('r', 'p') AND {UserRelation("c", "n")}
        ORDER BY n.nspname, c.relname
        """,
        $"""
        SELECT n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid, true), coalesce(c.reloptions, ARRAY[]::text[]),
               d.description, pg_get_userbyid(c.relowner), coalesce(c.relacl, acldefault('r', c.relowner))::text[]
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        {Comment("pg_class", "c.oid")}
        WHERE c.relkind IN ('v', 'm') AND {UserRelation("c", "n")}
        ORDER BY n.nspname, c.relname
        """,
        $"""
        SELECT n.nspname, c.relname, a.attname, row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)::int,
               format_type(a.atttypid, a.atttypmod), a.attnotnull,
               CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
               CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
               CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
               CASE WHEN a.attcollation <> t.typcollation THEN {Collation("a.attcollation")} END,
               d.description, coalesce(a.attacl::text[], ARRAY[]::text[]), a.attgenerated = 'v', {ColumnStorage}
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        {Comment("pg_class", "c.oid", "a.attnum")}
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND {UserRelation("c", "n")}
        ORDER BY n.nspname, c.relname, a.attnum
        """,
        $"""
        SELECT n.nspname, c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid),
               ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(num, ord)
                     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.ord),
               CASE WHEN k.contype = 'f' THEN format('%s.%s', fn.nspname, fc.relname) END,
               ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(num, ord)
                     JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num ORDER BY u.ord),
               CASE WHEN k.contype = 'f' THEN {Action("k.confdeltype")} END,
               CASE WHEN k.contype = 'f' THEN {Action("k.confupdtype")} END,
               d.description
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_class fc ON fc.oid = k.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        {Comment("pg_constraint", "k.oid")}
        WHERE k.contype IN ('p', 'f', 'u', 'c', 'x') AND {UserRelation("c", "n")}
        ORDER BY n.nspname, c.relname, k.conname
        """,
        $"""
        SELECT n.nspname, c.relname, i.relname, pg_get_indexdef(i.oid), x.indisvalid, d.description
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        {Comment("pg_class", "i.oid")}
        WHERE c.relkind IN ('r', 'p', 'm') AND {UserRelation("c", "n")}
        ORDER BY n.nspname, i.relname
        """,
        $"""
        SELECT n.nspname, p.proname, p.prokind = 'p', oidvectortypes(p.proargtypes), pg_get_function_arguments(p.oid),
               pg_get_function_result(p.oid), l.lanname, pg_get_functiondef(p.oid),
               d.description, pg_get_userbyid(p.proowner), coalesce(p.proacl, acldefault('f', p.proowner))::text[]
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
        {Comment("pg_proc", "p.oid")}
        WHERE p.prokind IN ('f', 'p', 'w') AND {UserSchema("n")} AND {NotExtensionMember("pg_proc", "p.oid")}
        ORDER BY n.nspname, p.proname, oidvectortypes(p.proargtypes) COLLATE "C"
        """,
        $"""
        SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled::text, d.description
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        {Comment("pg_trigger", "t.oid")}
        WHERE NOT t.tgisinternal AND {UserRelation("c", "n")}
        ORDER BY n.nspname, c.relname, t.tgname
        """,
        $"""
        SELECT n.nspname, c.relname, p.polname,
               CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
               p.polpermissive,
               ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), d.description
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        {Comment("pg_policy", "p.oid")}
        WHERE {UserRelation("c", "n")}
        ORDER BY n.nspname, c.relname, p.polname
        """,
    ];

    private static string Action(string column) =>
        $"CASE {column} WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' "
        + "WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END";

    /// <summary>
    /// Reads the schema of the database <paramref name="connection"/> points at, in one read-only transaction (so the
    /// parts agree with each other) that changes no setting of the session.
    /// </summary>
    /// <remarks>The connection must be open and not in a transaction.</remarks>
    public static async Task<SchemaSnapshot> ReadAsync(
        NpgsqlConnection connection, SnapshotOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new SnapshotOptions();
        var excluded = options.ExcludedTables.ToArray();
        var privileges = options.IncludePrivileges;

        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        int serverVersion;
        await using (var setup = new NpgsqlCommand(SessionSetup, connection, transaction))
        {
            serverVersion = (int)(await setup.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var sql in Queries.Concat(ObjectQueries(serverVersion)))
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = excluded });
            batch.BatchCommands.Add(command);
        }

        SchemaSnapshot snapshot;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            var rows = new Rows(reader, privileges, cancellationToken);
            var extensions = await rows.ReadAsync(r => new ExtensionInfo(r.Text(0), r.Text(1), r.Text(2), r.NullableText(3)));
            var schemas = await rows.ReadAsync(r => new SchemaInfo(r.Text(0), r.NullableText(1), r.Privileges(2)));
            var enums = await rows.ReadAsync(r => new EnumInfo(r.Text(0), r.Text(1), r.List(2), r.NullableText(3), r.Privileges(4)));
            var domains = await rows.ReadAsync(r => new DomainInfo(
                r.Text(0), r.Text(1), r.Text(2), r.Bool(3), r.NullableText(4), r.NullableText(5),
                r.List(6).Zip(r.List(7), (name, definition) => new DomainCheck(name, definition)).ToValueList(),
                r.NullableText(8), r.Privileges(9)));
            var compositeTypes = await rows.ReadAsync(r => new CompositeTypeInfo(
                r.Text(0), r.Text(1),
                r.List(2).Zip(r.List(3), r.NullableList(4)).Select(a => new AttributeInfo(a.First, a.Second, a.Third)).ToValueList(),
                r.NullableText(5), r.Privileges(6)));
            var sequences = await rows.ReadAsync(r => new SequenceInfo(
                r.Text(0), r.Text(1), r.Text(2), r.Long(3), r.Long(4), r.Long(5), r.Long(6), r.Long(7), r.Bool(8),
                r.NullableText(9), r.NullableText(10), r.Privileges(11)));
            var tables = await rows.ReadAsync(r => new TableInfo(
                r.Text(0), r.Text(1), Enum.Parse<TableKind>(r.Text(2), ignoreCase: true), r.NullableText(3), r.NullableText(4),
                r.List(5), r.Bool(6), r.List(7), r.Bool(8), r.Bool(9), r.NullableText(10), r.Privileges(11), [], [],
                r.NullableText(13)));
            var oldViewForm = serverVersion < ViewDefinition.UnqualifiedSince;
            var views = await rows.ReadAsync(r => new ViewInfo(
                r.Text(0), r.Text(1), r.Bool(2), oldViewForm ? ViewDefinition.Normalise(r.Text(3)) : r.Text(3),
                r.List(4), r.NullableText(5), r.Privileges(6), []));
            var columns = await rows.ReadAsync(r => (Relation: (r.Text(0), r.Text(1)), Column: new ColumnInfo(
                r.Text(2), r.Int(3), r.Text(4), r.Bool(5), r.NullableText(6), r.NullableText(7), r.NullableText(8), r.NullableText(9),
                r.NullableText(10), privileges ? r.SortedList(11) : null, r.Bool(12), r.NullableText(13), r.NullableText(14),
                r.NullableInt(15))));
            var constraints = await rows.ReadAsync(r => (Relation: (r.Text(0), r.Text(1)), Constraint: new ConstraintInfo(
                r.Text(2), ConstraintKindOf(r.Text(3)), r.Text(4), r.List(5), r.NullableText(6), r.List(7), r.NullableText(8),
                r.NullableText(9), r.NullableText(10))));
            var indexes = await rows.ReadAsync(r => new IndexInfo(
                r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Bool(4), r.NullableText(5)));
            var functions = await rows.ReadAsync(r => new FunctionInfo(
                r.Text(0), r.Text(1), r.Bool(2) ? FunctionKind.Procedure : FunctionKind.Function, r.Text(3), r.Text(4), r.NullableText(5),
                r.Text(6), r.Text(7), r.NullableText(8), r.Privileges(9)));
            var triggers = await rows.ReadAsync(r => new TriggerInfo(
                r.Text(0), r.Text(1), r.Text(2), r.Text(3), TriggerStateOf(r.Text(4)), r.NullableText(5)));
            var policies = await rows.ReadAsync(r => new PolicyInfo(
                r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Bool(4), r.SortedList(5), r.NullableText(6), r.NullableText(7),
                r.NullableText(8)));

            var objects = await ReadObjectsAsync(rows);
            var columnsOf = columns.ToLookup(c => c.Relation, c => c.Column);
            var constraintsOf = constraints.ToLookup(c => c.Relation, c => c.Constraint);
            snapshot = new SchemaSnapshot(
                extensions,
                schemas,
                enums,
                domains,
                compositeTypes,
                sequences,
                tables.Select(t => t with
                {
                    Columns = columnsOf[(t.Schema, t.Name)].ToValueList(),
                    Constraints = constraintsOf[(t.Schema, t.Name)].ToValueList(),
                }).ToValueList(),
                views.Select(v => v with { Columns = columnsOf[(v.Schema, v.Name)].ToValueList() }).ToValueList(),
                indexes,
                functions,
                triggers,
                policies,
                serverVersion)
            {
                Collations = objects.Collations,
                Aggregates = objects.Aggregates,
                TextSearch = objects.TextSearch,
                Rules = objects.Rules,
                Statistics = objects.Statistics,
                Publications = objects.Publications,
                DefaultPrivileges = objects.DefaultPrivileges,
            };
        }

        await transaction.RollbackAsync(cancellationToken);
        return snapshot;
    }

    private static ConstraintKind ConstraintKindOf(string contype) => contype switch
    {
        "p" => ConstraintKind.PrimaryKey,
        "f" => ConstraintKind.ForeignKey,
        "u" => ConstraintKind.Unique,
        "c" => ConstraintKind.Check,
        _ => ConstraintKind.Exclusion,
    };

    private static TriggerState TriggerStateOf(string tgenabled) => tgenabled switch
    {
        "D" => TriggerState.Disabled,
        "R" => TriggerState.Replica,
        "A" => TriggerState.Always,
        _ => TriggerState.Enabled,
    };

    /// <summary>Walks the result sets of the batch in order, one per query.</summary>
    private sealed class Rows(NpgsqlDataReader reader, bool privileges, CancellationToken cancellationToken)
    {
        private bool _first = true;

        public async Task<ValueList<T>> ReadAsync<T>(Func<Rows, T> map)
        {
            if (!_first && !await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("the catalog batch returned fewer result sets than it has queries");
            }

            _first = false;
            var items = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(map(this));
            }

            return items.ToValueList();
        }

        public string Text(int ordinal) => reader.GetString(ordinal);

        public string? NullableText(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

        public bool Bool(int ordinal) => reader.GetBoolean(ordinal);

        public int Int(int ordinal) => reader.GetInt32(ordinal);

        public int? NullableInt(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

        public long Long(int ordinal) => reader.GetInt64(ordinal);

        public ValueList<string> List(int ordinal) => reader.GetFieldValue<string[]>(ordinal).ToValueList();

        public string?[] NullableList(int ordinal) => reader.GetFieldValue<string?[]>(ordinal);

        // For sets that PostgreSQL keeps in no meaningful order (grants, policy roles).
        public ValueList<string> SortedList(int ordinal) =>
            reader.GetFieldValue<string[]>(ordinal).Order(StringComparer.Ordinal).ToValueList();

        // Where a query reads privileges, the owner comes right before the grants.
        public PrivilegeInfo? Privileges(int ordinal) => privileges ? new PrivilegeInfo(Text(ordinal), SortedList(ordinal + 1)) : null;
    }
}
