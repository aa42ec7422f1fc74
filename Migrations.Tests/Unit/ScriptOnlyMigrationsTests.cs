using System.Reflection;
using System.Reflection.Emit;
using System.Security.Cryptography;
using System.Text;
using FluentMigrator;
using FluentMigrator.Builders.Execute;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure;
using Migrations.Runner.Execution;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Unit;

/// <summary>
/// A migration whose Up or Down is only script calls on literals is collected without running it, and comes out with
/// exactly what FluentMigrator's own GetUpExpressions / GetDownExpressions collect; any other body runs as before. The
/// checksum taken of what is collected keeps its format.
/// </summary>
public sealed class ScriptOnlyMigrationsTests
{
    private const string Connection = "Host=example;Database=app";

    [Fact]
    public void A_body_of_script_calls_on_literals_is_read_call_by_call_in_order()
    {
        var calls = ScriptOnlyMigrations.Read(New(typeof(ScriptsInOrder)), up: true);

        ScriptOnlyMigrations.ScriptCall[] expected = [new(false, "SELECT 1"), new(true, "Some.script.sql"), new(false, "SELECT 2")];
        Assert.Equal(expected, calls);
        Assert.Empty(Assert.IsType<ScriptOnlyMigrations.ScriptCall[]>(ScriptOnlyMigrations.Read(New(typeof(ScriptsInOrder)), up: false)));
    }

    [Theory]
    [InlineData(typeof(ScriptsInOrder), true)]
    [InlineData(typeof(ScriptsInOrder), false)]
    [InlineData(typeof(InheritsItsUp), true)]
    [InlineData(typeof(InheritsItsUp), false)]
    [InlineData(typeof(HidesItsUp), true)]
    [InlineData(typeof(HasAGenericUpBeside), true)]
    [InlineData(typeof(GenericScripts<int>), true)]
    public void Collecting_a_script_only_body_gives_what_FluentMigrator_collects(Type type, bool up)
    {
        var (fast, fastMigration) = Collect(type, up, fast: true);
        var (own, ownMigration) = Collect(type, up, fast: false);

        Assert.True(fast.Used);
        Assert.Equal(own.Expressions, fast.Expressions);
        Assert.Equal(Connection, fastMigration.ConnectionString);
        Assert.Equal(ownMigration.ConnectionString, fastMigration.ConnectionString);
    }

    [Theory]
    [InlineData(typeof(BuildsItsStatement))]
    [InlineData(typeof(ReadsAField))]
    [InlineData(typeof(CallsAnotherOverload))]
    [InlineData(typeof(RunsAScriptFile))]
    [InlineData(typeof(UsesTheFluentApi))]
    [InlineData(typeof(DoesSomethingBetween))]
    [InlineData(typeof(HasItsOwnExecute))]
    [InlineData(typeof(CollectsItsOwnWay))]
    [InlineData(typeof(ImplementsIMigrationAgain))]
    [InlineData(typeof(OverridesAScriptOnlyUp))]
    public void A_body_that_does_anything_else_is_run_by_the_migration_itself(Type type)
    {
        Assert.Null(ScriptOnlyMigrations.Read(New(type), up: true));

        var (fast, _) = Collect(type, up: true, fast: true);

        Assert.False(fast.Used);
        Assert.Empty(fast.Expressions);
    }

    [Fact]
    public void An_override_of_Up_under_another_name_is_the_body_read_as_dispatch_finds_it()
    {
        var type = RenamedOverride();

        Assert.Equal(Collect(type, up: true, fast: false).Result.Expressions, Collect(type, up: true, fast: true).Result.Expressions);
        var collected = Assert.Single(Collect(type, up: true, fast: true).Result.Expressions);
        Assert.Contains("from the override", collected, StringComparison.Ordinal);
    }

    [Fact]
    public void A_release_build_body_without_nops_is_read_as_well()
    {
        var type = ReleaseShaped("Release.up.sql");

        var calls = ScriptOnlyMigrations.Read(New(type), up: true);

        ScriptOnlyMigrations.ScriptCall[] expected = [new(true, "Release.up.sql")];
        Assert.Equal(expected, calls);
        Assert.Equal(Collect(type, up: true, fast: false).Result.Expressions, Collect(type, up: true, fast: true).Result.Expressions);
    }

    [Fact]
    public void A_checksum_is_the_lowercase_hex_SHA_256_of_the_statements_with_unix_line_endings_as_earlier_builds_wrote_it()
    {
        string[] statements = ["CREATE TABLE a (id int);\r\n", "  SELECT '\u00e9t\u00e9';  "];

        var text = "CREATE TABLE a (id int);\nSELECT '\u00e9t\u00e9';";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

        Assert.Equal(expected, MigrationChecksums.Hash(statements));
    }

    [Fact]
    public void Every_migration_of_this_repository_and_of_the_test_samples_collects_as_FluentMigrator_collects_it()
    {
        var types = MigrationClasses.All.Where(t => typeof(Migration).IsAssignableFrom(t) && Constructible(t)).ToList();
        Assert.Contains(types, t => t.Assembly == typeof(LegacyScript).Assembly && ScriptOnlyMigrations.Read(New(t), up: true) is not null);

        foreach (var up in new[] { true, false })
        {
            foreach (var type in types.Where(t => ScriptOnlyMigrations.Read(New(t), up) is not null))
            {
                Assert.Equal(
                    $"{type.Name} up={up}\n" + string.Join("\n", Collect(type, up, fast: false).Result.Expressions),
                    $"{type.Name} up={up}\n" + string.Join("\n", Collect(type, up, fast: true).Result.Expressions));
            }
        }
    }

    // A sample whose constructor throws on purpose has no expressions to compare.
    private static bool Constructible(Type type)
    {
        try
        {
            _ = Activator.CreateInstance(type);
            return true;
        }
        catch (TargetInvocationException)
        {
            return false;
        }
    }

    private static ((bool Used, List<string> Expressions) Result, MigrationBase Migration) Collect(Type type, bool up, bool fast)
    {
        var migration = (MigrationBase)Activator.CreateInstance(type)!;
        var context = new MigrationContext(SqlProcessor.Collecting(), new EmbeddedScripts(), Connection);
        var used = false;
        if (fast)
        {
            used = ScriptOnlyMigrations.TryCollect(migration, up, context);
        }
        else if (up)
        {
            migration.GetUpExpressions(context);
        }
        else
        {
            migration.GetDownExpressions(context);
        }

        return ((used, context.Expressions.Select(Described).ToList()), migration);
    }

    // The expression's type and every public value it carries.
    private static string Described(IMigrationExpression expression) =>
        expression.GetType().Name + " " + string.Join(
            "; ",
            expression.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public)
                .Where(p => p.PropertyType == typeof(string) || p.PropertyType.IsValueType)
                .Select(p => $"{p.Name}={p.GetValue(expression)}"));

    // What `ldarg.0; call get_Execute; ldstr; callvirt EmbeddedScript; ret` compiles to in Release: no nops.
    private static Type ReleaseShaped(string script)
    {
        var module = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("ReleaseShaped"), AssemblyBuilderAccess.Run)
            .DefineDynamicModule("ReleaseShaped");
        var type = module.DefineType("ReleaseShaped", TypeAttributes.Public | TypeAttributes.Sealed, typeof(Migration));
        const MethodAttributes overriding = MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.HideBySig;
        var upMethod = type.DefineMethod(nameof(Migration.Up), overriding, typeof(void), Type.EmptyTypes);
        var il = upMethod.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(Migration).GetProperty(nameof(Migration.Execute))!.GetMethod!);
        il.Emit(OpCodes.Ldstr, script);
        var embeddedScript = typeof(IExecuteExpressionRoot).GetMethod(nameof(IExecuteExpressionRoot.EmbeddedScript), [typeof(string)]);
        il.Emit(OpCodes.Callvirt, embeddedScript!);
        il.Emit(OpCodes.Ret);
        type.DefineMethod(nameof(Migration.Down), overriding, typeof(void), Type.EmptyTypes).GetILGenerator().Emit(OpCodes.Ret);
        return type.CreateType();
    }

    private static Migration New(Type type) => (Migration)Activator.CreateInstance(type)!;

    // C# cannot write it; IL (C++/CLI, weavers) can: a method of another name that takes over the base's Up.
    private static Type RenamedOverride()
    {
        var module = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("RenamedOverride"), AssemblyBuilderAccess.Run)
            .DefineDynamicModule("RenamedOverride");
        var type = module.DefineType("RenamedOverride", TypeAttributes.Public | TypeAttributes.Sealed, typeof(ScriptOnlyBase));
        const MethodAttributes attributes = MethodAttributes.Private | MethodAttributes.Virtual | MethodAttributes.HideBySig
            | MethodAttributes.NewSlot | MethodAttributes.Final;
        var otherUp = type.DefineMethod("OtherUp", attributes, typeof(void), Type.EmptyTypes);
        var il = otherUp.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(Migration).GetProperty(nameof(Migration.Execute))!.GetMethod!);
        il.Emit(OpCodes.Ldstr, "SELECT 'from the override'");
        il.Emit(OpCodes.Callvirt, typeof(IExecuteExpressionRoot).GetMethod(nameof(IExecuteExpressionRoot.Sql), [typeof(string)])!);
        il.Emit(OpCodes.Ret);
        type.DefineMethodOverride(otherUp, typeof(MigrationBase).GetMethod(nameof(MigrationBase.Up))!);
        return type.CreateType();
    }

    private sealed class EmbeddedScripts : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(IEnumerable<IEmbeddedResourceProvider>) ? Array.Empty<IEmbeddedResourceProvider>() : null;
    }

    public sealed class ScriptsInOrder : Migration
    {
        public override void Up()
        {
            Execute.Sql("SELECT 1");
            Execute.EmbeddedScript("Some.script.sql");
            Execute.Sql("SELECT 2");
        }

        public override void Down()
        {
        }
    }

    public abstract class ScriptOnlyBase : Migration
    {
        public override void Up() => Execute.Sql("SELECT 'from the base'");

        public override void Down() => Execute.EmbeddedScript("Base.down.sql");
    }

    public sealed class InheritsItsUp : ScriptOnlyBase;

    public sealed class HidesItsUp : ScriptOnlyBase
    {
        public new void Up() => Create.Table("not collected").WithColumn("id").AsInt32();
    }

    public sealed class HasAGenericUpBeside : ScriptOnlyBase
    {
        public void Up<T>() => Execute.Sql("SELECT '" + typeof(T).Name + "'");
    }

    public sealed class GenericScripts<T> : Migration
    {
        public override void Up() => Execute.Sql("SELECT 'generic'");

        public override void Down() => Execute.Sql("SELECT '" + typeof(T).Name + "'");
    }

    public sealed class OverridesAScriptOnlyUp : ScriptOnlyBase
    {
        public override void Up() => Create.Table("widgets").WithColumn("id").AsInt32();
    }

    public sealed class BuildsItsStatement : Migration
    {
        private static readonly int Answer = 42;

        public override void Up() => Execute.Sql($"SELECT {Answer}");

        public override void Down()
        {
        }
    }

    public sealed class ReadsAField : Migration
    {
        private readonly string _statement = "SELECT 1";

        public override void Up() => Execute.Sql(_statement);

        public override void Down()
        {
        }
    }

    public sealed class CallsAnotherOverload : Migration
    {
        public override void Up() => Execute.Sql("SELECT 1", "a description");

        public override void Down()
        {
        }
    }

    public sealed class RunsAScriptFile : Migration
    {
        public override void Up() => Execute.Script("scripts/up.sql");

        public override void Down()
        {
        }
    }

    public sealed class UsesTheFluentApi : Migration
    {
        public override void Up() => Create.Table("widgets").WithColumn("id").AsInt32();

        public override void Down()
        {
        }
    }

    public sealed class DoesSomethingBetween : Migration
    {
        public static int Runs { get; private set; }

        public override void Up()
        {
            Execute.Sql("SELECT 1");
            Runs++;
            Execute.Sql("SELECT 2");
        }

        public override void Down()
        {
        }
    }

    public sealed class HasItsOwnExecute : Migration
    {
        public new IExecuteExpressionRoot Execute => base.Execute;

        public override void Up() => Execute.Sql("SELECT 1");

        public override void Down()
        {
        }
    }

    public sealed class CollectsItsOwnWay : Migration
    {
        public override void GetUpExpressions(IMigrationContext context)
        {
        }

        public override void Up() => Execute.Sql("SELECT 1");

        public override void Down()
        {
        }
    }

    public sealed class ImplementsIMigrationAgain : Migration, IMigration
    {
        public override void Up() => Execute.Sql("SELECT 1");

        public override void Down()
        {
        }

        void IMigration.GetUpExpressions(IMigrationContext context)
        {
        }
    }
}
