namespace Migrations.Tests.Infrastructure;

/// <summary>A small schema with at least one object of every kind a snapshot covers.</summary>
public static class SampleSchema
{
    public const string Sql =
        """
        CREATE EXTENSION pgcrypto;
        CREATE SCHEMA app;
        COMMENT ON SCHEMA app IS 'Application objects';
        CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
        COMMENT ON TYPE app.mood IS 'How a user feels';
        CREATE DOMAIN app.email AS text COLLATE "C" CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');
        CREATE TYPE app.pair AS (a integer, b text);
        CREATE SEQUENCE app.counter AS integer INCREMENT 5 START 10 MAXVALUE 100000 CYCLE;

        CREATE TABLE public.users (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            email varchar(255) NOT NULL,
            display_name text COLLATE "C",
            contact app.email,
            mood app.mood NOT NULL DEFAULT 'ok',
            created_at timestamptz NOT NULL DEFAULT '2020-01-01 00:00:00+00',
            updated_at timestamptz NOT NULL DEFAULT now(),
            email_lower text GENERATED ALWAYS AS (lower(email)) STORED,
            CONSTRAINT users_email_check CHECK (email <> ''),
            CONSTRAINT users_email_key UNIQUE (email)
        );
        COMMENT ON TABLE public.users IS 'People who sign in';
        COMMENT ON COLUMN public.users.email IS 'Login address';
        CREATE UNIQUE INDEX ix_users_email_lower ON public.users (lower(email)) WHERE display_name IS NOT NULL;

        CREATE TABLE app.orders (
            id serial PRIMARY KEY,
            user_id bigint NOT NULL,
            total numeric(10,2) NOT NULL DEFAULT 0,
            ticket integer DEFAULT nextval('app.counter'),
            note text,
            CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES public.users (id)
                ON DELETE CASCADE ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED
        ) WITH (fillfactor = 90);
        ALTER TABLE app.orders ADD CONSTRAINT orders_total_not_negative CHECK (total >= 0) NOT VALID;
        ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own_orders ON app.orders FOR SELECT TO PUBLIC USING (user_id = current_setting('app.user_id')::bigint);

        CREATE TABLE app.events (id bigint NOT NULL, at date NOT NULL, payload jsonb) PARTITION BY RANGE (at);
        CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE INDEX ix_events_at ON app.events (at);
        CREATE UNLOGGED TABLE app.scratch (k text PRIMARY KEY, v text);
        CREATE TABLE app.bookings (id integer PRIMARY KEY, during tstzrange NOT NULL, EXCLUDE USING gist (during WITH &&));

        CREATE VIEW public.active_users AS SELECT id, email FROM public.users WHERE display_name IS NOT NULL;
        COMMENT ON VIEW public.active_users IS 'Users with a display name';
        GRANT SELECT ON public.active_users TO PUBLIC;
        CREATE MATERIALIZED VIEW app.order_totals AS SELECT user_id, sum(total) AS total FROM app.orders GROUP BY user_id;
        CREATE UNIQUE INDEX ix_order_totals_user ON app.order_totals (user_id);

        CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated_at := now();
            RETURN NEW;
        END
        $$;
        COMMENT ON FUNCTION public.touch() IS 'Stamps updated_at';
        CREATE FUNCTION app.add(a integer, b integer DEFAULT 1) RETURNS integer LANGUAGE sql IMMUTABLE RETURN a + b;
        CREATE PROCEDURE app.purge(before date) LANGUAGE sql AS $$DELETE FROM app.events WHERE at < before$$;
        CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch();
        CREATE TRIGGER trg_users_touch_insert BEFORE INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch();
        ALTER TABLE public.users DISABLE TRIGGER trg_users_touch_insert;
        """;

    /// <summary>A new database holding the sample schema.</summary>
    public static async Task<string> CreateDatabaseAsync(DatabaseFixture db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var database = await db.CreateDatabaseAsync();
        await Db.ExecuteAsync(database, Sql);
        return database;
    }
}
