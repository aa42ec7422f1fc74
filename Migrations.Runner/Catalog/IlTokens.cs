using System.Collections.Concurrent;
using System.Reflection;

namespace Migrations.Runner.Catalog;

/// <summary>
/// The methods and strings a method body's metadata tokens name, for the few method bodies the runner reads instead of
/// compiling. A call token is shared by every method of a module that makes that call, so each is resolved once.
/// </summary>
internal static class IlTokens
{
    internal const byte Nop = 0x00;
    internal const byte LdArg0 = 0x02;
    internal const byte Call = 0x28;
    internal const byte Ret = 0x2A;
    internal const byte CallVirt = 0x6F;
    internal const byte LdStr = 0x72;

    private static readonly ConcurrentDictionary<(Module Module, int Token), MethodBase?> Methods = new();

    /// <summary>The method a call token names, or null when it names none the runtime can resolve.</summary>
    public static MethodBase? Method(Module module, int token) =>
        Methods.GetOrAdd((module, token), key =>
        {
            try
            {
                return key.Module.ResolveMethod(key.Token);
            }
            catch (Exception e) when (e is ArgumentException or MissingMethodException or BadImageFormatException)
            {
                return null;
            }
        });

    /// <summary>The literal an ldstr token names, or null.</summary>
    public static string? String(Module module, int token)
    {
        try
        {
            return module.ResolveString(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static int Operand(byte[] il, int at) => BitConverter.ToInt32(il, at);
}
