using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using FluentMigrator;
using FluentMigrator.Builders.Execute;
using FluentMigrator.Infrastructure;
using Migrations.Runner.Catalog;

namespace Migrations.Runner.Execution;

/// <summary>
/// Collects the expressions of a migration whose Up (or Down) is nothing but <c>Execute.EmbeddedScript("…")</c> and
/// <c>Execute.Sql("…")</c> calls on literals (what the importer writes, and most of a consolidated SQL history) by
/// making those calls itself: what FluentMigrator's <c>GetUpExpressions</c> would do, a new
/// <see cref="ExecuteExpressionRoot"/> over the context per call and the connection string set, without compiling one
/// method per class. Every verb builds every migration's Up for its checksum, so at 2000 classes that is 2000 methods
/// the JIT no longer compiles on every run. The method body is read, not guessed: any other instruction, a call that
/// resolves elsewhere (an <c>Execute</c> of the class's own, an overload), a class that overrides
/// <c>GetUpExpressions</c>, or an attached debugger (whose breakpoints in Up must be hit) runs the migration itself.
/// </summary>
internal static class ScriptOnlyMigrations
{
    private static readonly (MethodInfo Declared, MethodInfo Collector) GetUp = (
        typeof(IMigration).GetMethod(nameof(IMigration.GetUpExpressions))!,
        typeof(MigrationBase).GetMethod(nameof(MigrationBase.GetUpExpressions), [typeof(IMigrationContext)])!);

    private static readonly (MethodInfo Declared, MethodInfo Collector) GetDown = (
        typeof(IMigration).GetMethod(nameof(IMigration.GetDownExpressions))!,
        typeof(MigrationBase).GetMethod(nameof(MigrationBase.GetDownExpressions), [typeof(IMigrationContext)])!);

    private static readonly MethodInfo ExecuteGetter = typeof(Migration).GetProperty(nameof(Migration.Execute))!.GetMethod!;

    private static readonly MethodInfo Sql = typeof(IExecuteExpressionRoot).GetMethod(
        nameof(IExecuteExpressionRoot.Sql), [typeof(string)])!;

    private static readonly MethodInfo EmbeddedScript = typeof(IExecuteExpressionRoot).GetMethod(
        nameof(IExecuteExpressionRoot.EmbeddedScript), [typeof(string)])!;

    private static readonly Action<MigrationBase, string?> SetConnectionString =
        typeof(MigrationBase).GetProperty(nameof(MigrationBase.ConnectionString))!.SetMethod!
            .CreateDelegate<Action<MigrationBase, string?>>();

    private static readonly ConcurrentDictionary<(Type Type, bool Up), ScriptCall[]?> Bodies = new();

    /// <summary>One call of the body, in order: an embedded script's name, or a statement.</summary>
    internal readonly record struct ScriptCall(bool Embedded, string Argument);

    /// <summary>Adds the migration's expressions to the context when its body is only script calls; else false, nothing done.</summary>
    public static bool TryCollect(IMigration migration, bool up, IMigrationContext context)
    {
        if (migration is not Migration target || Debugger.IsAttached
            || Bodies.GetOrAdd((migration.GetType(), up), static (key, target) => Read(target, key.Up), target) is not { } calls)
        {
            return false;
        }

        // As GetUpExpressions: the connection string first, then each call on the Execute property's new root.
        SetConnectionString(target, context.Connection);
        foreach (var call in calls)
        {
            var root = new ExecuteExpressionRoot(context);
            if (call.Embedded)
            {
                root.EmbeddedScript(call.Argument);
            }
            else
            {
                root.Sql(call.Argument);
            }
        }

        return true;
    }

    /// <summary>
    /// The body's calls when Up (or Down) is only script calls on literals and is collected as MigrationBase collects it;
    /// else null. Reflection that cannot answer means the migration runs itself.
    /// </summary>
    internal static ScriptCall[]? Read(Migration migration, bool up)
    {
        ArgumentNullException.ThrowIfNull(migration);
        var type = migration.GetType();
        try
        {
            // The method a call of Up dispatches to, as GetUpExpressions makes it: not one found by name, which a `new`
            // Up, an overload or an override under another name (IL allows it) would mislead.
            return CollectsAsMigrationBase(type, up ? GetUp : GetDown)
                ? Calls((up ? new Action(migration.Up) : new Action(migration.Down)).Method)
                : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException
            or BadImageFormatException or MemberAccessException or TypeLoadException)
        {
            return null;
        }
    }

    // The interface map says which method IMigration's call reaches: a re-implementation of the interface, in any
    // language, is seen there.
    private static bool CollectsAsMigrationBase(Type type, (MethodInfo Declared, MethodInfo Collector) expressions)
    {
        var map = type.GetInterfaceMap(typeof(IMigration));
        var at = Array.IndexOf(map.InterfaceMethods, expressions.Declared);
        return at >= 0 && Same(map.TargetMethods[at], expressions.Collector);
    }

    private static ScriptCall[]? Calls(MethodInfo method)
    {
        const MethodImplAttributes harmless = MethodImplAttributes.NoInlining | MethodImplAttributes.NoOptimization
            | MethodImplAttributes.AggressiveInlining | MethodImplAttributes.AggressiveOptimization;
        if ((method.MethodImplementationFlags & ~harmless) != MethodImplAttributes.IL
            || method.GetMethodBody() is not { LocalVariables.Count: 0, ExceptionHandlingClauses.Count: 0 } body
            || body.GetILAsByteArray() is not { } il)
        {
            return null;
        }

        // Each call is `ldarg.0; call Migration::get_Execute(); ldstr "…"; callvirt IExecuteExpressionRoot::<call>(string)`
        // (16 bytes); a Debug build adds nops around them; the body ends with the one ret.
        var calls = new List<ScriptCall>();
        var module = method.Module;
        var at = 0;
        while (true)
        {
            while (at < il.Length && il[at] == IlTokens.Nop)
            {
                at++;
            }

            if (at == il.Length - 1 && il[at] == IlTokens.Ret)
            {
                return [.. calls];
            }

            if (at + 16 > il.Length || il[at] != IlTokens.LdArg0 || il[at + 1] != IlTokens.Call || il[at + 6] != IlTokens.LdStr
                || il[at + 11] != IlTokens.CallVirt
                || !Same(IlTokens.Method(module, IlTokens.Operand(il, at + 2)), ExecuteGetter)
                || IlTokens.Method(module, IlTokens.Operand(il, at + 12)) is not { } called
                || (!Same(called, Sql) && !Same(called, EmbeddedScript))
                || IlTokens.String(module, IlTokens.Operand(il, at + 7)) is not { } argument)
            {
                return null;
            }

            calls.Add(new ScriptCall(Same(called, EmbeddedScript), argument));
            at += 16;
        }
    }

    // Reflection objects compare by the type they were reached through; the method itself is its handle.
    private static bool Same(MethodBase? method, MethodBase expected) => method is not null && method.MethodHandle == expected.MethodHandle;
}
