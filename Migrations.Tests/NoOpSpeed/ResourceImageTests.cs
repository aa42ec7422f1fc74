using System.Reflection;
using System.Runtime.Loader;
using Migrations.Runner.Catalog;

namespace Migrations.Tests.NoOpSpeed;

/// <summary>
/// Embedded scripts read straight from the assembly's file (a no-op run's shortcut past the runtime's resource lookup,
/// which compares every name) give the bytes the runtime gives, and only when the file is the assembly loaded.
/// </summary>
public sealed class ResourceImageTests
{
    private static Assembly MigrationsAssembly => typeof(global::Migrations.LegacyScript).Assembly;

    [Fact]
    public void Every_resource_of_the_migrations_assembly_reads_as_the_runtime_streams_it()
    {
        var image = ResourceImage.TryRead(MigrationsAssembly);

        Assert.NotNull(image);
        var names = MigrationsAssembly.GetManifestResourceNames();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            using var runtime = MigrationsAssembly.GetManifestResourceStream(name)!;
            using var direct = image.Open(name);
            Assert.NotNull(direct);
            Assert.Equal(Bytes(runtime), Bytes(direct));
        }

        Assert.Null(image.Open("no such resource"));
    }

    [Fact]
    public void An_assembly_loaded_from_memory_or_whose_file_was_replaced_is_read_through_the_runtime()
    {
        var folder = Directory.CreateTempSubdirectory("resource-image-").FullName;
        var copy = Path.Combine(folder, "Migrations.dll");
        File.Copy(MigrationsAssembly.Location, copy);
        // One context each: a context holds one assembly of a name.
        var memory = new AssemblyLoadContext("resource-image-memory", isCollectible: true);
        var context = new AssemblyLoadContext("resource-image-file", isCollectible: true);
        try
        {
            var fromMemory = memory.LoadFromStream(new MemoryStream(File.ReadAllBytes(copy)));
            Assert.Null(ResourceImage.TryRead(fromMemory));

            var fromFile = context.LoadFromAssemblyPath(copy);
            Assert.NotNull(ResourceImage.TryRead(fromFile));
            // Another module under the same name: its resources are not the loaded assembly's.
            // A new file in its place (not written over the one the runtime has mapped).
            File.Delete(copy);
            File.Copy(typeof(Migrations.Authoring.SqlLexer).Assembly.Location, copy);
            Assert.Null(ResourceImage.TryRead(fromFile));
        }
        finally
        {
            memory.Unload();
            context.Unload();
        }
    }

    private static byte[] Bytes(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
