using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Import;

/// <summary>
/// Where an import writes: a project of its own, or this repository's legacy-sql/ and Migrations/ after their last version.
/// </summary>
/// <param name="Root">The output folder.</param>
/// <param name="Append">True when it holds legacy-sql/ and Migrations/Migrations.csproj already.</param>
/// <param name="LastVersion">The newest version there (0 for a new project).</param>
/// <param name="Width">The digits of the legacy-sql numbers there.</param>
public sealed record ImportTarget(string Root, bool Append, long LastVersion, int Width)
{
    public const string ProjectName = "ImportedMigrations";

    public static ImportTarget Resolve(string output)
    {
        var root = Path.GetFullPath(output);
        var csproj = Path.Combine(root, "Migrations", "Migrations.csproj");
        if (Directory.Exists(Path.Combine(root, "legacy-sql")) && File.Exists(csproj))
        {
            var versions = Directory.EnumerateFiles(Path.Combine(root, "Migrations"), "M*.cs")
                .Select(f => Regex.Match(Path.GetFileName(f), @"^M([0-9]+)_"))
                .Where(m => m.Success)
                .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            var width = Directory.EnumerateFiles(Path.Combine(root, "legacy-sql"), "*.sql")
                .Select(f => SourceFiles.LeadingDigits(Path.GetFileName(f)).Length).DefaultIfEmpty(3).Max();
            return new ImportTarget(root, true, versions.DefaultIfEmpty(0).Max(), width);
        }

        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new RunnerErrorException(new ImportOutputNotEmpty(root));
        }

        return new ImportTarget(root, false, 0, 3);
    }
}

internal static class ImportWriter
{
    /// <summary>Writes every file of the plan; refuses before writing anything when a new file exists already.</summary>
    public static IReadOnlyList<string> Write(ImportPlan plan, ImportTarget target)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var ns = target.Append ? "Migrations" : ImportTarget.ProjectName;
        foreach (var m in plan.Migrations)
        {
            files[$"legacy-sql/{m.FileName}"] = SourceFiles.Bytes(m.Source.Up.Text);
            if (m.Source.Down is { } down)
            {
                files[$"legacy-sql/{m.RollbackName}"] = SourceFiles.Bytes(down.Text);
            }

            files[$"Migrations/{m.ClassName}.cs"] = Utf8(ClassWriter.Write(m, ns, target.Append, plan.Format.Format));
        }

        var existing = files.Keys.FirstOrDefault(f => File.Exists(Path.Combine(target.Root, f)));
        if (existing is not null)
        {
            throw new RunnerErrorException(new ImportWouldOverwrite(Path.Combine(target.Root, existing)));
        }

        var sums = string.Concat(files.Where(f => f.Key.StartsWith("legacy-sql/", StringComparison.Ordinal))
            .Select(f => $"{Convert.ToHexStringLower(SHA256.HashData(f.Value))}  {f.Key["legacy-sql/".Length..]}\n"));
        var manifest = Manifest(plan);
        var audit = AuditWriter.Write(plan, wholeFile: !target.Append);
        if (target.Append)
        {
            var previous = Read(target, "legacy-sql/" + ImportManifest.FileName) is { } json ? ImportManifest.FromJson(json).Imports : [];
            files["legacy-sql/" + ImportManifest.FileName] = Utf8(new ImportManifest([.. previous, manifest]).ToJson());
            files["legacy-sql/SHA256SUMS"] = Utf8((Read(target, "legacy-sql/SHA256SUMS") ?? "") + sums);
            files["legacy-sql/README.md"] = Utf8((Read(target, "legacy-sql/README.md") is { } readme ? readme + "\n" : "") + audit);
            files["Migrations/Migrations.csproj"] = Utf8(EmbedManifest(Read(target, "Migrations/Migrations.csproj")!));
        }
        else
        {
            files["legacy-sql/" + ImportManifest.FileName] = Utf8(new ImportManifest([manifest]).ToJson());
            files["legacy-sql/SHA256SUMS"] = Utf8(sums);
            files["legacy-sql/README.md"] = Utf8(audit);
            files[ImportTarget.ProjectName + ".csproj"] = Utf8(Project());
            files["Directory.Build.props"] = Utf8(BuildProps);
            files["Directory.Packages.props"] = Utf8(PackagesProps());
            files[".gitattributes"] = Utf8(
                "# legacy-sql is history, byte for byte: never convert its line endings.\nlegacy-sql/** -text\n");
        }

        foreach (var (path, bytes) in files)
        {
            var full = Path.Combine(target.Root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }

        return [.. files.Keys];
    }

    private static ManifestImport Manifest(ImportPlan plan) =>
        new(plan.Format.Format, plan.From, [.. plan.Migrations.Select(m =>
            new ManifestMigration(m.Version, m.Source.Version, m.Source.HistoryId, m.Source.Up.Origin, m.IsPrelude))]);

    private static string? Read(ImportTarget target, string path) =>
        File.Exists(Path.Combine(target.Root, path)) ? File.ReadAllText(Path.Combine(target.Root, path)) : null;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // The manifest goes into the assembly beside the scripts it maps; the csproj names it once.
    private static string EmbedManifest(string csproj)
    {
        var line = $"<EmbeddedResource Include=\"..\\legacy-sql\\{ImportManifest.FileName}\" "
            + $"LogicalName=\"{ImportManifest.ResourceName}\" />";
        if (csproj.Contains(ImportManifest.FileName, StringComparison.Ordinal))
        {
            return csproj;
        }

        var at = csproj.LastIndexOf("</ItemGroup>", StringComparison.Ordinal);
        return csproj[..at] + "  " + line + "\n  " + csproj[at..];
    }

    private const string BuildProps = """
        <Project>
          <!-- Stops MSBuild looking further up: this project builds on its own, wherever it is put. -->
        </Project>

        """;

    private static string PackagesProps() => $"""
        <Project>
          <PropertyGroup>
            <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
          </PropertyGroup>
          <ItemGroup>
            <!-- The FluentMigrator the runner that wrote this project runs. -->
            <PackageVersion Include="FluentMigrator" Version="{FluentMigratorVersion()}" />
          </ItemGroup>
        </Project>

        """;

    private static string Project() => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net{Environment.Version.Major}.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <RootNamespace>{ImportTarget.ProjectName}</RootNamespace>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="FluentMigrator" />
          </ItemGroup>
          <ItemGroup>
            <!-- Explicit names: FluentMigrator matches embedded scripts by the end of their resource name. -->
            <EmbeddedResource Include="legacy-sql\*.sql" LogicalName="LegacySql.%(Filename)%(Extension)" />
            <EmbeddedResource Include="legacy-sql\rollback\*.sql" LogicalName="LegacySql.rollback.%(Filename)%(Extension)" />
            <EmbeddedResource Include="legacy-sql\{ImportManifest.FileName}" LogicalName="{ImportManifest.ResourceName}" />
          </ItemGroup>
        </Project>

        """;

    private static string FluentMigratorVersion()
    {
        var informational = typeof(FluentMigrator.Migration).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "8.0.1";
        return informational.Split('+')[0];
    }
}
