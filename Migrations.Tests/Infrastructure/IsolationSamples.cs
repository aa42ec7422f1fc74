namespace Migrations.Tests.Infrastructure;

/// <summary>
/// Migrations that record the session state each starts in (table <c>seen</c>: version, settings, user) and change it
/// (settings, a temporary table), in and out of a transaction: for the tests of session isolation, by up and by preview.
/// </summary>
public static class IsolationSamples
{
    private const string Source = """
        using FluentMigrator;

        namespace Isolation;

        public abstract class Recording : Migration
        {
            protected const string Record = @"
                CREATE TABLE IF NOT EXISTS public.seen (version int, settings text, who text);
                CREATE TEMP TABLE scratch (x int);
                INSERT INTO public.seen SELECT {0}, concat_ws(' / ', current_setting('statement_timeout'),
                    current_setting('search_path'), current_setting('work_mem')), current_user;";

            protected const string Change = @"
                SET statement_timeout = '31s'; SET search_path = pg_catalog; SET work_mem = '7MB';";

            public override void Down() => Execute.Sql("DELETE FROM public.seen");
        }

        [Migration(1)]
        public sealed class M0001_SetsInATransaction : Recording
        {
            public override void Up() => Execute.Sql(string.Format(Record, 1) + Change);
        }

        [Migration(2, TransactionBehavior.None)]
        public sealed class M0002_SetsWithoutATransaction : Recording
        {
            public override void Up()
            {
                Execute.Sql(string.Format(Record, 2));
                Execute.Sql(Change);
            }
        }

        [Migration(3)]
        public sealed class M0003_OnlyLooks : Recording
        {
            public override void Up() => Execute.Sql(string.Format(Record, 3));
        }
        """;

    /// <summary>The samples as an assembly of the given name (each compile needs its own, to be loaded beside the others).</summary>
    public static string Compile(string assemblyName) => Compiler.CompileSource(assemblyName, Source);
}
