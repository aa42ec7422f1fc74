using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Migrations.Runner.Catalog;

/// <summary>
/// Makes a migration as <see cref="Activator.CreateInstance(Type)"/> does. A class whose public parameterless
/// constructor only calls its base class's (what C# writes for a class that declares none and has no field
/// initialisers) is made by running that base constructor on a new, uninitialised instance of the class: exactly what
/// its own constructor would do, without compiling one constructor per class. Every run builds every migration for
/// its checksum, so at 2000 classes that is 2000 methods the JIT no longer compiles (about 25 ms of a no-op run).
/// Anything else (field initialisers, a constructor with a body, a static constructor, a generic base) goes through
/// the activator.
/// </summary>
internal static class MigrationActivator
{
    private static readonly ConcurrentDictionary<Type, ConstructorInfo?> BaseOnly = new();

    /// <exception cref="TargetInvocationException">The constructor (the class's, or its base's) threw.</exception>
    public static object Create(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (BaseOnly.GetOrAdd(type, BaseConstructorOnly) is not { } baseConstructor)
        {
            return Activator.CreateInstance(type)!;
        }

        var instance = RuntimeHelpers.GetUninitializedObject(type);
        baseConstructor.Invoke(instance, null);
        return instance;
    }

    /// <summary>The base class's parameterless constructor when the class's own does nothing but call it; else null.</summary>
    internal static ConstructorInfo? BaseConstructorOnly(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsValueType || type.IsAbstract || type.ContainsGenericParameters || type.TypeInitializer is not null
            || type.BaseType is not { IsGenericType: false } baseType
            || type.GetConstructor(Type.EmptyTypes) is not { } constructor
            || baseType.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes)
                is not { } baseConstructor)
        {
            return null;
        }

        var body = constructor.GetMethodBody();
        if (body is null || body.LocalVariables.Count > 0 || body.ExceptionHandlingClauses.Count > 0
            || body.GetILAsByteArray() is not { } il)
        {
            return null;
        }

        // ldarg.0; call <base>::.ctor(); ret, with the nop a Debug build puts before the ret.
        var shape = il.Length == 7 || (il.Length == 8 && il[6] == IlTokens.Nop);
        if (!shape || il[0] != IlTokens.LdArg0 || il[1] != IlTokens.Call || il[^1] != IlTokens.Ret)
        {
            return null;
        }

        return IlTokens.Method(type.Module, IlTokens.Operand(il, 2)) == baseConstructor ? baseConstructor : null;
    }
}
