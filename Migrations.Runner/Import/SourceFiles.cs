using System.Text;
using Migrations.Runner.Errors;

namespace Migrations.Runner.Import;

/// <summary>Reading a source folder's files exactly, and the orderings the tools sort them by.</summary>
internal static class SourceFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The file's text with nothing normalised (a byte-order mark stays as U+FEFF, CRLF stays), so that writing it back
    /// gives the same bytes.
    /// </summary>
    public static string Read(string root, string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new RunnerErrorException(new ImportFileUnreadable(Relative(root, path), 0, ImportFileProblem.NotUtf8, e.Message));
        }
    }

    public static byte[] Bytes(string text) => Utf8.GetBytes(text);

    public static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    /// <summary>A version as the tools that parse it as an integer record it: <c>0001</c> is <c>1</c>.</summary>
    public static string Unpadded(string digits) => digits.TrimStart('0') is { Length: > 0 } t ? t : "0";

    /// <summary>Files of <paramref name="root"/> (and below it when <paramref name="recursive"/>), in ordinal order of path.</summary>
    public static IEnumerable<string> List(string root, bool recursive) =>
        Directory.EnumerateFiles(root, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal);

    /// <summary>Compares two strings of digits as the unsigned integers they spell, however long.</summary>
    public static int CompareNumbers(string a, string b)
    {
        var x = a.TrimStart('0');
        var y = b.TrimStart('0');
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
    }

    /// <summary>The leading digits of <paramref name="name"/>, empty when it starts otherwise.</summary>
    public static string LeadingDigits(string name)
    {
        var end = 0;
        while (end < name.Length && char.IsAsciiDigit(name[end]))
        {
            end++;
        }

        return name[..end];
    }

    /// <summary>sql-migrate's order: names with a number first, by that number, then the rest by name.</summary>
    public static int CompareNatural(string a, string b)
    {
        var x = LeadingDigits(a);
        var y = LeadingDigits(b);
        if (x.Length > 0 && y.Length > 0 && CompareNumbers(x, y) != 0)
        {
            return CompareNumbers(x, y);
        }

        if ((x.Length > 0) != (y.Length > 0))
        {
            return x.Length > 0 ? -1 : 1;
        }

        return string.CompareOrdinal(a, b);
    }

    /// <summary>Flyway's version order: parts split at <c>.</c> or <c>_</c>, compared as numbers, missing parts as 0.</summary>
    public static int CompareFlyway(string a, string b)
    {
        var x = a.Split('.', '_');
        var y = b.Split('.', '_');
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = CompareNumbers(i < x.Length ? x[i] : "0", i < y.Length ? y[i] : "0");
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    /// <summary>A title as words: separators become spaces.</summary>
    public static string Title(string name) =>
        string.Join(' ', name.Split(['_', '-', '.', ' '], StringSplitOptions.RemoveEmptyEntries));
}
