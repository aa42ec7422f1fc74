using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Migrations.Runner.Import;

/// <summary>One imported migration as the old tool's history names it.</summary>
/// <param name="Version">The new version.</param>
/// <param name="SourceVersion">The version in the source file name; empty for the prelude.</param>
/// <param name="HistoryId">What the old tool's history table records for it once applied; empty for the prelude.</param>
/// <param name="Origin">The up's path in the imported folder.</param>
/// <param name="Prelude">True for the prerequisites from --prelude: applied wherever any imported migration is.</param>
public sealed record ManifestMigration(long Version, string SourceVersion, string HistoryId, string Origin, bool Prelude = false);

/// <summary>One run of import: the format read and the mapping from its versions to the new ones.</summary>
public sealed record ManifestImport(SourceFormat Format, string From, IReadOnlyList<ManifestMigration> Migrations);

/// <summary>
/// <c>legacy-sql/import-manifest.json</c>, embedded in the migrations assembly beside the scripts, so that
/// <c>baseline --from-history</c> maps what the old tool recorded to the new versions from the assembly alone.
/// </summary>
public sealed record ImportManifest(IReadOnlyList<ManifestImport> Imports)
{
    public const string FileName = "import-manifest.json";

    public const string ResourceName = "LegacySql." + FileName;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options) + "\n";

    public static ImportManifest FromJson(string json) =>
        JsonSerializer.Deserialize<ImportManifest>(json, Options) ?? new ImportManifest([]);

    /// <summary>The imports recorded in the assemblies' manifests, in assembly order.</summary>
    public static ImportManifest? FromAssemblies(IEnumerable<Assembly> assemblies)
    {
        var imports = new List<ManifestImport>();
        var found = false;
        foreach (var assembly in assemblies)
        {
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(ResourceName, StringComparison.Ordinal)))
            {
                using var stream = assembly.GetManifestResourceStream(name);
                if (stream is null)
                {
                    continue;
                }

                using var reader = new StreamReader(stream);
                imports.AddRange(FromJson(reader.ReadToEnd()).Imports);
                found = true;
            }
        }

        return found ? new ImportManifest(imports) : null;
    }
}
