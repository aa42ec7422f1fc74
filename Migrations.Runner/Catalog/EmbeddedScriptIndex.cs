using System.Collections.Concurrent;
using System.Reflection;

namespace Migrations.Runner.Catalog;

/// <summary>
/// Resolves <c>Execute.EmbeddedScript</c> names through a dictionary built once. FluentMigrator resolves each script by
/// splitting and comparing the name of every resource of every scanned assembly, for every script it runs: with
/// hundreds of scripts that is most of the time of a run, growing with the square of their number. The rule is
/// FluentMigrator's own: the trailing dot-separated parts of a resource name equal the requested ones, ignoring case,
/// and exactly one resource matches. So every resource is filed under each of its dot-separated suffixes.
/// </summary>
internal sealed class EmbeddedScriptIndex
{
    private readonly IReadOnlyList<Assembly> _assemblies;
    private readonly Dictionary<string, List<(string Name, Assembly Assembly)>> _bySuffix = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _texts = new(StringComparer.Ordinal);
    private readonly Dictionary<Assembly, Lazy<ResourceImage?>> _images = [];

    /// <summary>How many resources an assembly needs before its scripts are read from its file (<see cref="ResourceImage"/>).</summary>
    internal const int DirectReadFrom = 1000;

    public EmbeddedScriptIndex(IReadOnlyList<Assembly> assemblies)
    {
        _assemblies = assemblies;
        foreach (var assembly in assemblies)
        {
            var names = assembly.GetManifestResourceNames();
            // Reading the file costs a few milliseconds once; the runtime's lookup costs more only with thousands of resources.
            _images.TryAdd(
                assembly, new Lazy<ResourceImage?>(() => names.Length >= DirectReadFrom ? ResourceImage.TryRead(assembly) : null));
            foreach (var name in names)
            {
                for (var start = 0; start >= 0; start = name.IndexOf('.', start) is var dot and >= 0 ? dot + 1 : -1)
                {
                    var suffix = name[start..];
                    if (!_bySuffix.TryGetValue(suffix, out var list))
                    {
                        _bySuffix[suffix] = list = [];
                    }

                    list.Add((name, assembly));
                }
            }
        }
    }

    /// <exception cref="InvalidOperationException">No resource, or more than one, has that name (FluentMigrator's messages).</exception>
    public string Read(string scriptName)
    {
        if (_texts.TryGetValue(scriptName, out var cached))
        {
            return cached;
        }

        var found = _bySuffix.TryGetValue(scriptName, out var list) ? list : [];
        if (found.Count != 1)
        {
            throw new InvalidOperationException(found.Count == 0
                ? $"Could not find a resource with one of the following names {scriptName} "
                  + $"in assemblies {string.Join(", ", _assemblies.Select(a => a.FullName))}"
                : $"Could not find a unique resource named {scriptName}; candidates: {string.Join(", ", found.Select(r => r.Name))}");
        }

        var (resource, assembly) = found[0];
        if (_images[assembly].Value?.ReadText(resource) is { } text)
        {
            return _texts[scriptName] = text;
        }

        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return _texts[scriptName] = reader.ReadToEnd();
    }
}
