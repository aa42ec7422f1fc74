using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Migrations.Tests.Infrastructure;

/// <summary>What a compilation of migration sources gave: the assembly's path, or the diagnostics that stopped it.</summary>
public sealed record Compiled(string? AssemblyPath, IReadOnlyList<string> Diagnostics);

/// <summary>
/// Compiles migration classes as a developer's build would (warnings as errors, XML documentation checked), against
/// the FluentMigrator the runner loads, into a folder of their own: what the scaffolder writes is proven to build.
/// </summary>
public static class Compiler
{
    // Read once per run and shared by every compilation: Roslyn then binds each referenced assembly once, not once per
    // compilation, which is most of what a small compilation costs.
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(FluentMigrator.Migration).Assembly.Location)
            .Append(typeof(FluentMigrator.MigrationAttribute).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p))]);

    /// <summary>Compiles one source text into <paramref name="name"/>.dll; throws with the diagnostics when it does not build.</summary>
    public static string CompileSource(string name, string source)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("compiled-source-").FullName, name + ".cs");
        File.WriteAllText(file, source);
        var compiled = Compile(name, [file]);
        return compiled.AssemblyPath ?? throw new InvalidOperationException(string.Join("\n", compiled.Diagnostics));
    }

    public static Compiled Compile(
        string name, IEnumerable<string> sourceFiles, IEnumerable<(string Path, string ResourceName)>? resources = null)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);
        // As ImplicitUsings gives a project; the scaffolded classes rely on it for System.
        var trees = sourceFiles.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f))
            .Append(CSharpSyntaxTree.ParseText("global using System;", parse, "GlobalUsings.cs"))
            .ToList();
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            generalDiagnosticOption: ReportDiagnostic.Error,
            // As Directory.Build.props: public members need no XML comment, but a comment that is there must be well formed.
            specificDiagnosticOptions: [new("CS1591", ReportDiagnostic.Suppress)]);
        var compilation = CSharpCompilation.Create(name, trees, References.Value, options);
        var folder = Directory.CreateTempSubdirectory("compiled-").FullName;
        var path = Path.Combine(folder, name + ".dll");
        var manifest = (resources ?? []).Select(r => new ResourceDescription(r.ResourceName, () => File.OpenRead(r.Path), isPublic: true));
        EmitResult result;
        using (var output = File.Create(path))
        {
            result = compilation.Emit(output, manifestResources: manifest);
        }

        var diagnostics = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        return new Compiled(result.Success && diagnostics.Count == 0 ? path : null, diagnostics);
    }
}
