using System.Reflection;
using System.Runtime.Loader;

namespace Migrations.Runner.Catalog;

/// <summary>
/// Finds what a migrations assembly given by path depends on and the runner does not ship (another FluentMigrator
/// extension, a package of its own): through its <c>.deps.json</c> (<see cref="AssemblyDependencyResolver"/>), else
/// beside it in its folder. Only for names the runner cannot load itself: FluentMigrator, Npgsql and the rest stay the
/// runner's, one copy of each type, as a plug-in host keeps its contracts. Hooked on the default context, where the
/// migrations assembly itself is loaded.
/// </summary>
internal static class DependencyResolution
{
    private static readonly List<(AssemblyDependencyResolver? Resolver, string Folder)> Sources = [];
    private static bool _hooked;

    public static void Register(Assembly assembly, string path)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        lock (Sources)
        {
            AssemblyDependencyResolver? resolver;
            try
            {
                resolver = new AssemblyDependencyResolver(path);
            }
            catch (InvalidOperationException)
            {
                // A malformed .deps.json: the folder is still there to look in.
                resolver = null;
            }

            Sources.Add((resolver, Path.GetDirectoryName(path)!));
            if (!_hooked)
            {
                AssemblyLoadContext.Default.Resolving += Resolve;
                AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveNative;
                _hooked = true;
            }
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        lock (Sources)
        {
            foreach (var (resolver, folder) in Sources)
            {
                var path = resolver?.ResolveAssemblyToPath(name) is { } listed && File.Exists(listed)
                    ? listed
                    : Path.Combine(folder, name.Name + ".dll");
                if (File.Exists(path))
                {
                    return context.LoadFromAssemblyPath(path);
                }
            }
        }

        return null;
    }

    private static IntPtr ResolveNative(Assembly assembly, string name)
    {
        lock (Sources)
        {
            foreach (var (resolver, _) in Sources)
            {
                if (resolver?.ResolveUnmanagedDllToPath(name) is { } path)
                {
                    return System.Runtime.InteropServices.NativeLibrary.Load(path);
                }
            }
        }

        return IntPtr.Zero;
    }
}
