using Migrations.Runner.Schema;

namespace Migrations.Tests.Unit;

/// <summary>
/// View definitions as PostgreSQL 15.18 and 18.4 printed them (pg_get_viewdef, pretty) for the same views: the rewrite
/// turns the first into the second, and leaves the second, and what both print alike, as it is.
/// </summary>
public sealed class ViewDefinitionTests
{
    public static TheoryData<string, string, string> PrintedBy15And18 { get; } = new()
    {
        {
            "a single table",
            """
             SELECT users.id,
                users.email
               FROM public.users
              WHERE users.display_name IS NOT NULL;
            """,
            """
             SELECT id,
                email
               FROM public.users
              WHERE display_name IS NOT NULL;
            """
        },
        {
            "a single table under an alias",
            """
             SELECT k.id,
                k.email
               FROM public.users k
              WHERE k.id > 1
              ORDER BY k.email;
            """,
            """
             SELECT id,
                email
               FROM public.users k
              WHERE id > 1
              ORDER BY email;
            """
        },
        {
            "a materialized view with GROUP BY",
            """
             SELECT orders.user_id,
                sum(orders.total) AS total
               FROM app.orders
              GROUP BY orders.user_id;
            """,
            """
             SELECT user_id,
                sum(total) AS total
               FROM app.orders
              GROUP BY user_id;
            """
        },
        {
            "a WITH query",
            """
             WITH x AS (
                     SELECT users.id
                       FROM public.users
                    )
             SELECT x.id
               FROM x;
            """,
            """
             WITH x AS (
                     SELECT users.id
                       FROM public.users
                    )
             SELECT id
               FROM x;
            """
        },
        {
            "a scalar sub-query referring to the outer table",
            """
             SELECT users.id,
                ( SELECT count(*) AS count
                       FROM app.orders o
                      WHERE o.user_id = users.id) AS n
               FROM public.users;
            """,
            """
             SELECT id,
                ( SELECT count(*) AS count
                       FROM app.orders o
                      WHERE o.user_id = users.id) AS n
               FROM public.users;
            """
        },
        {
            "a sub-query in FROM",
            """
             SELECT s.id
               FROM ( SELECT users.id
                       FROM public.users) s;
            """,
            """
             SELECT id
               FROM ( SELECT users.id
                       FROM public.users) s;
            """
        },
        {
            "a whole-row reference",
            """
             SELECT u.id,
                u.email,
                u.display_name,
                u.org,
                u.*::public.users AS r
               FROM public.users u;
            """,
            """
             SELECT id,
                email,
                display_name,
                org,
                u.*::public.users AS r
               FROM public.users u;
            """
        },
        {
            "DISTINCT ON",
            """
             SELECT DISTINCT ON (users.org) users.org,
                users.id
               FROM public.users
              ORDER BY users.org, users.id;
            """,
            """
             SELECT DISTINCT ON (org) org,
                id
               FROM public.users
              ORDER BY org, id;
            """
        },
        {
            "IS DISTINCT FROM and EXTRACT(... FROM ...)",
            """
             SELECT COALESCE(k.t, 'x'::text) AS t,
                NULLIF(k.id, 0) AS i,
                GREATEST(k.id, 1) AS g,
                k.id IS DISTINCT FROM 1 AS d,
                k.n >= 1::numeric AND k.n <= 2::numeric AS b,
                k.t ~~ 'a%'::text AS l,
                EXTRACT(year FROM now()) AS y
               FROM public.k;
            """,
            """
             SELECT COALESCE(t, 'x'::text) AS t,
                NULLIF(id, 0) AS i,
                GREATEST(id, 1) AS g,
                id IS DISTINCT FROM 1 AS d,
                n >= 1::numeric AND n <= 2::numeric AS b,
                t ~~ 'a%'::text AS l,
                EXTRACT(year FROM now()) AS y
               FROM public.k;
            """
        },
        {
            "quoted names, a field of a composite column and a collation",
            """
             SELECT "User Data"."Id",
                ("User Data".p).a AS a,
                "User Data".t COLLATE k.mycoll AS tc,
                "User Data".users
               FROM public."User Data"
              WHERE "User Data"."Id" > 0;
            """,
            """
             SELECT "Id",
                (p).a AS a,
                t COLLATE k.mycoll AS tc,
                users
               FROM public."User Data"
              WHERE "Id" > 0;
            """
        },
        {
            "an alias that is also a schema name",
            """
             SELECT k.id,
                k.f(k.id) AS f,
                k.t AS t2,
                ROW(k.id, k.t)::k.pair AS pr
               FROM public.k k;
            """,
            """
             SELECT id,
                k.f(id) AS f,
                t AS t2,
                ROW(id, t)::k.pair AS pr
               FROM public.k k;
            """
        },
        {
            "a WINDOW clause",
            """
             SELECT k.id,
                sum(k.n) OVER w AS s
               FROM public.k
              WINDOW w AS (PARTITION BY k.t ORDER BY k.id)
              ORDER BY k.id
             OFFSET 2
             LIMIT 10;
            """,
            """
             SELECT id,
                sum(n) OVER w AS s
               FROM public.k
              WINDOW w AS (PARTITION BY t ORDER BY id)
              ORDER BY id
             OFFSET 2
             LIMIT 10;
            """
        },
        {
            "ARRAY and EXISTS sub-queries",
            """
             SELECT k.id,
                ARRAY( SELECT x.id
                       FROM public.k x
                      WHERE x.t = k.t) AS ids,
                    CASE
                        WHEN (EXISTS ( SELECT 1
                           FROM public.k y
                          WHERE y.id = k.id)) THEN 1
                        ELSE NULL::integer
                    END AS e
               FROM public.k;
            """,
            """
             SELECT id,
                ARRAY( SELECT x.id
                       FROM public.k x
                      WHERE x.t = k.t) AS ids,
                    CASE
                        WHEN (EXISTS ( SELECT 1
                           FROM public.k y
                          WHERE y.id = k.id)) THEN 1
                        ELSE NULL::integer
                    END AS e
               FROM public.k;
            """
        },
        {
            "a set operation",
            """
             SELECT users.id
               FROM public.users
            UNION ALL
             SELECT orders.user_id AS id
               FROM app.orders;
            """,
            """
             SELECT users.id
               FROM public.users
            UNION ALL
             SELECT orders.user_id AS id
               FROM app.orders;
            """
        },
        {
            "a join",
            """
             SELECT u.id,
                o.total
               FROM public.users u
                 JOIN app.orders o ON o.user_id = u.id;
            """,
            """
             SELECT u.id,
                o.total
               FROM public.users u
                 JOIN app.orders o ON o.user_id = u.id;
            """
        },
        {
            "a FROM list with LATERAL",
            """
             SELECT a.id,
                b.n
               FROM public.k a,
                LATERAL ( SELECT a.n) b(n);
            """,
            """
             SELECT a.id,
                b.n
               FROM public.k a,
                LATERAL ( SELECT a.n) b(n);
            """
        },
        {
            "a bare VALUES list",
            """
             VALUES (1,'a'::text), (2,'b'::text);
            """,
            """
             VALUES (1,'a'::text), (2,'b'::text);
            """
        },
        {
            "a recursive WITH query",
            """
             WITH RECURSIVE t(n) AS (
                     SELECT 1 AS "?column?"
                    UNION ALL
                     SELECT t_1.n + 1
                       FROM t t_1
                      WHERE t_1.n < 5
                    ) SEARCH DEPTH FIRST BY n SET ord
             SELECT t.n
               FROM t;
            """,
            """
             WITH RECURSIVE t(n) AS (
                     SELECT 1 AS "?column?"
                    UNION ALL
                     SELECT t_1.n + 1
                       FROM t t_1
                      WHERE t_1.n < 5
                    ) SEARCH DEPTH FIRST BY n SET ord
             SELECT n
               FROM t;
            """
        },
    };

    [Theory]
    [MemberData(nameof(PrintedBy15And18))]
    public void A_definition_printed_by_PostgreSQL_15_reads_as_PostgreSQL_18_prints_it(string view, string by15, string by18) =>
        Assert.True(ViewDefinition.Normalise(by15) == by18, $"{view}:\n{ViewDefinition.Normalise(by15)}");

    [Theory]
    [MemberData(nameof(PrintedBy15And18))]
    public void A_definition_printed_by_PostgreSQL_16_or_later_is_left_as_it_is(string view, string by15, string by18)
    {
        Assert.NotNull(by15);
        Assert.True(ViewDefinition.Normalise(by18) == by18, view);
    }

    [Theory]
    [InlineData(
        " SELECT users.id\n   FROM public.users\n  WHERE users.id = ANY (public.f(users.id));",
        " SELECT id\n   FROM public.users\n  WHERE id = ANY (public.f(id));")]
    [InlineData(
        " SELECT 'users.id'::text AS t,\n    users.id\n   FROM public.users;",
        " SELECT 'users.id'::text AS t,\n    id\n   FROM public.users;")]
    [InlineData(" SELECT a.id\n   FROM public.t a,\n    public.t b;", " SELECT a.id\n   FROM public.t a,\n    public.t b;")]
    public void Only_column_qualifiers_of_the_one_relation_are_dropped(string before, string after) =>
        Assert.Equal(after, ViewDefinition.Normalise(before));
}
