using System.Reflection;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure;

namespace Migrations.Runner.Services;

/// <summary>
/// Resolves <c>Execute.EmbeddedScript</c> names from an index built once. FluentMigrator resolves each script by
/// splitting and comparing the name of every resource of every scanned assembly, for every script it runs: with
/// hundreds of scripts that is most of the time of a run, growing with the square of their number. The rule is
/// FluentMigrator's own: the trailing dot-separated parts of a resource name equal the requested ones, ignoring case,
/// and exactly one resource matches.
/// </summary>
internal sealed class EmbeddedScriptIndex
{
    private readonly List<(string Name, Assembly Assembly, string[] ReversedParts)> _resources;
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);

    public EmbeddedScriptIndex(IEnumerable<Assembly> assemblies) =>
        _resources = [.. assemblies.SelectMany(a => a.GetManifestResourceNames().Select(n => (n, a, n.Split('.').Reverse().ToArray())))];

    /// <exception cref="InvalidOperationException">No resource, or more than one, has that name (FluentMigrator's messages).</exception>
    public string Read(string scriptName)
    {
        if (_texts.TryGetValue(scriptName, out var cached))
        {
            return cached;
        }

        var wanted = scriptName.Split('.').Reverse().ToArray();
        var found = _resources.Where(r => r.ReversedParts.Length >= wanted.Length
            && wanted.Select((part, i) => string.Equals(part, r.ReversedParts[i], StringComparison.OrdinalIgnoreCase)).All(equal => equal)).ToList();
        if (found.Count != 1)
        {
            throw new InvalidOperationException(found.Count == 0
                ? $"Could not find a resource with one of the following names {scriptName} in assemblies {string.Join(", ", _resources.Select(r => r.Assembly.FullName).Distinct())}"
                : $"Could not find a unique resource named {scriptName}; candidates: {string.Join(", ", found.Select(r => r.Name))}");
        }

        using var stream = found[0].Assembly.GetManifestResourceStream(found[0].Name)!;
        using var reader = new StreamReader(stream);
        return _texts[scriptName] = reader.ReadToEnd();
    }
}

/// <summary>A migration whose embedded scripts are read through the <see cref="EmbeddedScriptIndex"/>; otherwise the migration itself.</summary>
internal sealed class IndexedScriptMigration(IMigration inner, EmbeddedScriptIndex index) : IMigration
{
    public IMigration Inner => inner;

    public string ConnectionString => inner.ConnectionString;

    public void GetUpExpressions(IMigrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        inner.GetUpExpressions(context);
        Rewrite(context);
    }

    public void GetDownExpressions(IMigrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        inner.GetDownExpressions(context);
        Rewrite(context);
    }

    // The same SQL, parameters and token replacement as the embedded-script expression, without its lookup.
    private void Rewrite(IMigrationContext context)
    {
        if (!context.Expressions.Any(e => e is ExecuteEmbeddedSqlScriptExpression))
        {
            return;
        }

        var expressions = context.Expressions.ToList();
        context.Expressions.Clear();
        foreach (var expression in expressions)
        {
            context.Expressions.Add(expression is ExecuteEmbeddedSqlScriptExpression script
                ? new ExecuteSqlStatementExpression { SqlStatement = index.Read(script.SqlScript), Parameters = script.Parameters, Description = "embedded script " + script.SqlScript }
                : expression);
        }
    }
}
