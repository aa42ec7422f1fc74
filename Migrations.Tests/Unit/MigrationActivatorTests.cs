using System.Reflection;
using FluentMigrator;
using Migrations.Runner.Catalog;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Unit;

/// <summary>
/// Migrations made without compiling their own constructor come out as the activator would make them; every other
/// class still goes through the activator.
/// </summary>
public sealed class MigrationActivatorTests
{
    [Fact]
    public void A_class_without_a_constructor_of_its_own_runs_only_its_base_constructor_and_gets_its_state()
    {
        Assert.NotNull(MigrationActivator.BaseConstructorOnly(typeof(Plain)));

        var made = Assert.IsType<Plain>(MigrationActivator.Create(typeof(Plain)));

        Assert.Equal(["base constructor"], made.Seen);
        Assert.Equal(Fields(new Plain()), Fields(made));
    }

    [Theory]
    [InlineData(typeof(WithFieldInitialiser))]
    [InlineData(typeof(WithConstructorBody))]
    [InlineData(typeof(WithStaticConstructor))]
    [InlineData(typeof(OnGenericBase))]
    public void A_class_whose_constructor_does_more_goes_through_the_activator_and_gets_all_of_it(Type type)
    {
        Assert.Null(MigrationActivator.BaseConstructorOnly(type));

        var made = MigrationActivator.Create(type);

        Assert.Equal(Fields(Activator.CreateInstance(type)!), Fields(made));
        Assert.Contains(((Recording)made).Seen, s => s.StartsWith("own", StringComparison.Ordinal));
    }

    [Fact]
    public void A_class_with_only_a_static_initialiser_goes_through_the_activator_so_its_type_initialises_as_before()
    {
        Assert.Null(MigrationActivator.BaseConstructorOnly(typeof(OnlyStaticInitialiser)));

        var made = Assert.IsType<OnlyStaticInitialiser>(MigrationActivator.Create(typeof(OnlyStaticInitialiser)));

        Assert.Equal(Fields(new OnlyStaticInitialiser()), Fields(made));
        Assert.Equal("initialised", OnlyStaticInitialiser.Marker);
    }

    [Fact]
    public void A_base_constructor_that_throws_is_reported_as_the_activator_reports_it()
    {
        Assert.NotNull(MigrationActivator.BaseConstructorOnly(typeof(OnThrowingBase)));

        var fast = Assert.Throws<TargetInvocationException>(() => MigrationActivator.Create(typeof(OnThrowingBase)));
        var activator = Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance<OnThrowingBase>());

        Assert.Equal(activator.InnerException?.GetType(), fast.InnerException?.GetType());
        Assert.Equal(activator.InnerException?.Message, fast.InnerException?.Message);
    }

    [Fact]
    public void Every_migration_of_this_repository_and_of_the_test_samples_comes_out_as_the_activator_makes_it()
    {
        var types = MigrationClasses.All;
        Assert.Contains(types, t => MigrationActivator.BaseConstructorOnly(t) is not null);

        foreach (var type in types)
        {
            object? expected;
            try
            {
                expected = Activator.CreateInstance(type);
            }
            catch (TargetInvocationException)
            {
                // A sample whose constructor throws on purpose: the test above covers what is reported.
                Assert.Throws<TargetInvocationException>(() => MigrationActivator.Create(type));
                continue;
            }

            Assert.Equal(Described(type, expected!), Described(type, MigrationActivator.Create(type)));
        }
    }

    private static string Described(Type type, object instance) => type.Name + "\n" + string.Join("\n", Fields(instance));

    // Every instance field up the hierarchy: a value as text, or a reference's type (each instance has its own objects).
    private static List<string> Fields(object instance)
    {
        var fields = new List<string>();
        for (var type = instance.GetType(); type is not null; type = type.BaseType)
        {
            const BindingFlags declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(declared))
            {
                var value = field.GetValue(instance);
                var text = value switch
                {
                    null => "null",
                    string or ValueType => value.ToString(),
                    System.Collections.IEnumerable items => $"{value.GetType().Name}[{string.Join(",", items.Cast<object?>())}]",
                    _ => value.GetType().FullName,
                };
                fields.Add($"{type.Name}.{field.Name}={text}");
            }
        }

        return fields;
    }

    public abstract class Recording : Migration
    {
        public List<string> Seen { get; } = ["base constructor"];

        public override void Up()
        {
        }

        public override void Down()
        {
        }
    }

    public sealed class Plain : Recording;

    public sealed class WithFieldInitialiser : Recording
    {
        private readonly int _answer = 42;

        public WithFieldInitialiser() => Seen.Add("own " + _answer);
    }

    public sealed class WithConstructorBody : Recording
    {
        public WithConstructorBody() => Seen.Add("own");
    }

    public sealed class WithStaticConstructor : Recording
    {
        private static readonly string Marker;

        static WithStaticConstructor() => Marker = "own";

        public WithStaticConstructor() => Seen.Add(Marker);
    }

    public sealed class OnlyStaticInitialiser : Recording
    {
        public static readonly string Marker = "initialised";
    }

    public abstract class GenericBase<T> : Recording
    {
        protected GenericBase() => Seen.Add("own " + typeof(T).Name);
    }

    public sealed class OnGenericBase : GenericBase<int>;

    public abstract class ThrowingBase : Migration
    {
        protected ThrowingBase() => throw new InvalidOperationException("the base constructor refuses");

        public override void Up()
        {
        }

        public override void Down()
        {
        }
    }

    public sealed class OnThrowingBase : ThrowingBase;
}
