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
            using var runtime = new StreamReader(MigrationsAssembly.GetManifestResourceStream(name)!);
            Assert.Equal(runtime.ReadToEnd(), image.ReadText(name));
        }

        Assert.Null(image.ReadText("no such resource"));
    }

    [Theory]
    [InlineData("utf-8", false)]
    [InlineData("utf-8", true)]
    [InlineData("utf-16", true)]
    [InlineData("utf-16BE", true)]
    [InlineData("utf-32", true)]
    [InlineData("utf-32BE", true)]
    public void A_script_reads_as_a_stream_reader_reads_it_whatever_its_encoding_mark(string encoding, bool marked)
    {
        var text = "SELECT 'é', '€' -- naïve\r\n";
        var chosen = System.Text.Encoding.GetEncoding(encoding);
        byte[] bytes = [0x42, .. marked ? chosen.GetPreamble() : [], .. chosen.GetBytes(text), 0xFF, 0xC3, 0x43];
        // The resource's bytes sit inside the file, after others and before others.
        var length = bytes.Length - 4;
        using var reader = new StreamReader(new MemoryStream(bytes, 1, length));

        Assert.Equal(reader.ReadToEnd(), ResourceImage.Text(bytes, 1, length));
    }

    [Fact]
    public void Bytes_that_are_not_UTF_8_read_as_the_reader_replaces_them()
    {
        byte[] bytes = [0x53, 0xFF, 0xC3, 0x28, 0xEF, 0xBB, 0x45, 0xE2, 0x82];
        using var reader = new StreamReader(new MemoryStream(bytes));

        Assert.Equal(reader.ReadToEnd(), ResourceImage.Text(bytes, 0, bytes.Length));
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
}
