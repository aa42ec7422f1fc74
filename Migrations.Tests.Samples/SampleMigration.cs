using FluentMigrator;

namespace Migrations.Tests.Samples;

/// <summary>
/// Creates table <c>sample_{version}</c>, then fails when the database's <c>samples.fail_at</c> setting names this
/// version: the failure comes after real work, so a test sees whether that work was rolled back.
/// </summary>
public abstract class SampleMigration : VersionedMigration
{
    /// <summary>
    /// Stands in for a developer editing a migration after it ran: a note added to the SQL of each version named. Seen
    /// only by the async flow that set it, so a test can run the runner in the test host, beside other tests.
    /// </summary>
    public static AsyncLocal<IReadOnlyDictionary<string, string>?> Edits { get; } = new();

    public override void Up()
    {
        var v = V;
        var edit = Edits.Value is { } edits && edits.TryGetValue(v, out var e) ? "-- edited: " + e : "";
        Execute.Sql($"""
            {edit}
            CREATE TABLE sample_{v} (id integer PRIMARY KEY, note text NOT NULL DEFAULT 'v{v}');
            INSERT INTO sample_{v} (id) VALUES (1);
            DO $$
            BEGIN
                IF current_setting('samples.fail_at', true) = '{v}' THEN
                    RAISE EXCEPTION 'sample migration {v} fails on purpose' USING ERRCODE = 'P0001',
                        HINT = 'ALTER DATABASE ... RESET samples.fail_at';
                END IF;
            END $$;
            """);
    }

    public override void Down() => Execute.Sql($"DROP TABLE sample_{V};");
}

[Migration(1001, "Sample one")]
public sealed class S1001_SampleOne : SampleMigration;

[Migration(1002, "Sample two")]
public sealed class S1002_SampleTwo : SampleMigration;

[Migration(1003, "Sample three")]
public sealed class S1003_SampleThree : SampleMigration;

[Migration(1004, "Sample four")]
public sealed class S1004_SampleFour : SampleMigration;

[Migration(1005, "Sample five")]
public sealed class S1005_SampleFive : SampleMigration;

/// <summary>
/// Always fails, at a known line of its SQL file: for error-location tests (reach it with a plain up; stop before it with
/// --to 1005).
/// </summary>
[Migration(1100, "Broken script")]
public sealed class S1100_BrokenScript : Migration
{
    public override void Up() => Execute.EmbeddedScript("Samples.S1100_BrokenScript.sql");

    public override void Down() => Execute.Sql("DROP TABLE sample_broken;");
}
