namespace Migrations.Tests.Parity;

/// <summary>
/// Test migrations for the fidelity suite, compiled at run time into an assembly of their own (FidelityAssembly), so
/// that FluentMigrator's runner scanning it sees only them. One namespace per feature: each test selects its own with
/// --namespace, the way FluentMigrator's TypeFilterOptions.Namespace selects, so the namespace filter is proven by
/// every test. Versions are unique across the assembly.
/// </summary>
internal static class FidelitySources
{
    public const string Migrations = """
        using System;
        using FluentMigrator;
        using FluentMigrator.Runner;
        using FluentMigrator.Runner.Constraints;
        using FluentMigrator.Runner.Conventions;
        using FluentMigrator.Runner.Initialization;
        using FluentMigrator.Runner.VersionTableInfo;
        using Microsoft.Extensions.Logging;
        using Microsoft.Extensions.Options;

        namespace Fidelity.Constraints
        {
            [Migration(101)]
            public sealed class C101 : Migration
            {
                public override void Up()
                {
                    Create.Table("c_log").WithColumn("v").AsInt64().NotNullable();
                    Insert.IntoTable("c_log").Row(new { v = 101 });
                }

                public override void Down() => Delete.Table("c_log");
            }

            [Migration(102), CurrentVersionMigrationConstraint(101)]
            public sealed class C102 : Migration
            {
                public override void Up() => Insert.IntoTable("c_log").Row(new { v = 102 });

                public override void Down() => Delete.FromTable("c_log").Row(new { v = 102 });
            }

            [Migration(103), CurrentVersionMigrationConstraint(102)]
            public sealed class C103 : Migration
            {
                public override void Up() => Insert.IntoTable("c_log").Row(new { v = 103 });

                public override void Down() => Delete.FromTable("c_log").Row(new { v = 103 });
            }

            public sealed class OnlyInProfileAttribute : MigrationConstraintAttribute
            {
                public OnlyInProfileAttribute(string profile)
                    : base(context => context.RunnerOptions.Profile == profile)
                {
                }
            }

            [Migration(104), OnlyInProfile("never-asked-for")]
            public sealed class C104 : Migration
            {
                public override void Up() => Insert.IntoTable("c_log").Row(new { v = 104 });

                public override void Down() => Delete.FromTable("c_log").Row(new { v = 104 });
            }

            [Migration(105)]
            public sealed class C105 : Migration
            {
                public override void Up() => Insert.IntoTable("c_log").Row(new { v = 105 });

                public override void Down() => Delete.FromTable("c_log").Row(new { v = 105 });
            }
        }

        namespace Fidelity.Tags
        {
            [Migration(201)]
            public sealed class T201 : Migration
            {
                public override void Up() => Create.Table("t_log").WithColumn("what").AsString(100).NotNullable();

                public override void Down() => Delete.Table("t_log");
            }

            [Migration(202), Tags("a")]
            public sealed class T202 : Migration
            {
                public override void Up() => Insert.IntoTable("t_log").Row(new { what = "a" });

                public override void Down() => Delete.FromTable("t_log").Row(new { what = "a" });
            }

            [Migration(203), Tags("b")]
            public sealed class T203 : Migration
            {
                public override void Up() => Insert.IntoTable("t_log").Row(new { what = "b" });

                public override void Down() => Delete.FromTable("t_log").Row(new { what = "b" });
            }

            [Migration(204), Tags(TagBehavior.RequireAll, "a", "b")]
            public sealed class T204 : Migration
            {
                public override void Up() => Insert.IntoTable("t_log").Row(new { what = "a and b" });

                public override void Down() => Delete.FromTable("t_log").Row(new { what = "a and b" });
            }

            [Maintenance(MigrationStage.AfterAll), Tags("a")]
            public sealed class TaggedAfterAll : Migration
            {
                public override void Up() => Execute.Sql("INSERT INTO t_log VALUES ('maintenance a')");

                public override void Down()
                {
                }
            }

            [Maintenance(MigrationStage.AfterAll)]
            public sealed class UntaggedAfterAll : Migration
            {
                public override void Up() => Execute.Sql("INSERT INTO t_log VALUES ('maintenance untagged')");

                public override void Down()
                {
                }
            }
        }

        namespace Fidelity.Profiles
        {
            [Migration(301)]
            public sealed class P301 : Migration
            {
                public override void Up() => Create.Table("p_log").WithColumn("what").AsString(100).NotNullable();

                public override void Down() => Delete.Table("p_log");
            }

            [Maintenance(MigrationStage.BeforeProfiles)]
            public sealed class BeforeProfiles : Migration
            {
                public override void Up() => Execute.Sql("INSERT INTO p_log VALUES ('before profiles')");

                public override void Down()
                {
                }
            }

            [Profile("Development")]
            public sealed class DevelopmentProfile : Migration
            {
                public override void Up() =>
                    Execute.Sql("CREATE TABLE IF NOT EXISTS profile_log (what text); INSERT INTO profile_log VALUES ('development');");

                public override void Down()
                {
                }
            }

            [Profile("Other")]
            public sealed class OtherProfile : Migration
            {
                public override void Up() => Execute.Sql("CREATE TABLE other_profile_ran (what text);");

                public override void Down()
                {
                }
            }
        }

        namespace Fidelity.Nested
        {
            [Migration(901)]
            public sealed class N901 : Migration
            {
                public override void Up() => Create.Table("outer_table").WithColumn("id").AsInt32();

                public override void Down() => Delete.Table("outer_table");
            }
        }

        namespace Fidelity.Nested.Inner
        {
            [Migration(902)]
            public sealed class N902 : Migration
            {
                public override void Up() => Create.Table("inner_table").WithColumn("id").AsInt32();

                public override void Down() => Delete.Table("inner_table");
            }
        }

        namespace Fidelity.Breaking
        {
            [Migration(401)]
            public sealed class B401 : Migration
            {
                public override void Up() => Create.Table("b_table").WithColumn("id").AsInt32().WithColumn("old").AsInt32();

                public override void Down() => Delete.Table("b_table");
            }

            [Migration(402, BreakingChange = true)]
            public sealed class B402 : Migration
            {
                public override void Up() => Delete.Column("old").FromTable("b_table");

                public override void Down() => Alter.Table("b_table").AddColumn("old").AsInt32().Nullable();
            }
        }

        namespace Fidelity.Services
        {
            [Migration(501)]
            public sealed class S501 : Migration
            {
                private readonly string _note;

                public S501(IOptions<RunnerOptions> options, ILogger<S501> logger)
                {
                    logger.LogInformation("built");
                    _note = "tags:" + string.Join(",", options.Value.Tags ?? Array.Empty<string>());
                }

                public override void Up()
                {
                    Create.Table("s_log").WithColumn("note").AsString(100);
                    Insert.IntoTable("s_log").Row(new { note = _note });
                }

                public override void Down() => Delete.Table("s_log");
            }
        }

        namespace Fidelity.Unresolvable
        {
            [Migration(551)]
            public sealed class U551 : Migration
            {
                public U551(System.Net.Http.HttpClient client) => _ = client;

                public override void Up() => Create.Table("u_table").WithColumn("id").AsInt32();

                public override void Down() => Delete.Table("u_table");
            }
        }

        namespace Fidelity.Connection
        {
            [Migration(601)]
            public sealed class Cs601 : Migration
            {
                public override void Up()
                {
                    Create.Table("cs_log").WithColumn("has_connection").AsBoolean();
                    var has = ConnectionString?.Contains("Database=", StringComparison.OrdinalIgnoreCase) == true;
                    Insert.IntoTable("cs_log").Row(new { has_connection = has });
                }

                public override void Down() => Delete.Table("cs_log");
            }
        }

        namespace Fidelity.Conventions
        {
            public sealed class AppConventions : DefaultConventionSet
            {
                public AppConventions()
                    : base("app", null)
                {
                }
            }

            [Migration(701)]
            public sealed class Cv701 : Migration
            {
                public override void Up()
                {
                    Create.Table("widgets").WithColumn("id").AsInt32().PrimaryKey().WithColumn("name").AsString(50);
                    Insert.IntoTable("widgets").Row(new { id = 1, name = "first" });
                }

                public override void Down() => Delete.Table("widgets");
            }

            [Migration(702)]
            public sealed class Cv702 : Migration
            {
                public override void Up() => Create.Index("ix_widgets_name").OnTable("widgets").OnColumn("name");

                public override void Down() => Delete.Index("ix_widgets_name").OnTable("widgets");
            }
        }

        namespace Fidelity.VersionTable
        {
            [VersionTableMetaData]
            public sealed class HistoryTable : IVersionTableMetaData
            {
                public bool OwnsSchema => true;

                public string SchemaName => "meta";

                public string TableName => "schema_history";

                public string ColumnName => "version_id";

                public string DescriptionColumnName => "note";

                public string UniqueIndexName => "ux_schema_history";

                public string AppliedOnColumnName => "applied_at";

                public bool CreateWithPrimaryKey => false;
            }

            [Migration(801)]
            public sealed class V801 : Migration
            {
                public override void Up() => Create.Table("v_table").WithColumn("id").AsInt32();

                public override void Down() => Delete.Table("v_table");
            }

            [Migration(802)]
            public sealed class V802 : Migration
            {
                public override void Up() => Create.Table("v_second").WithColumn("id").AsInt32();

                public override void Down() => Delete.Table("v_second");
            }
        }

        namespace Fidelity.Handover
        {
            [Migration(1101)]
            public sealed class H1101 : Migration
            {
                public override void Up() => Create.Table("h_table").WithColumn("id").AsInt32();

                public override void Down() => Delete.Table("h_table");
            }

            [Migration(1102)]
            public sealed class H1102 : Migration
            {
                public override void Up() => Alter.Table("h_table").AddColumn("name").AsString(20).Nullable();

                public override void Down() => Delete.Column("name").FromTable("h_table");
            }
        }
        """;

    /// <summary>A library a migrations assembly depends on, shipped beside it and not with the runner.</summary>
    public const string Dependency = """
        namespace Fidelity.Dependency
        {
            public static class Names
            {
                public static string Table => "from_dependency";
            }
        }
        """;

    public const string UsesDependency = """
        using FluentMigrator;

        namespace Fidelity.UsesDependency
        {
            [Migration(1)]
            public sealed class D1 : Migration
            {
                public override void Up() => Create.Table(Fidelity.Dependency.Names.Table).WithColumn("id").AsInt32();

                public override void Down() => Delete.Table(Fidelity.Dependency.Names.Table);
            }
        }
        """;
}
