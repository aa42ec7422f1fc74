using System.Text;

namespace Migrations.Runner.Schema;

/// <summary>Markdown text with GitHub-flavoured tables, \n line ends only.</summary>
internal sealed class MarkdownWriter
{
    private readonly StringBuilder _text = new();

    public void Line(string line = "") => _text.Append(line).Append('\n');

    public void Paragraph(string? text)
    {
        if (text is not null)
        {
            Line();
            Line(text.ReplaceLineEndings("\n"));
        }
    }

    public void Table(string[] headers, IEnumerable<string[]> rows)
    {
        Line("| " + string.Join(" | ", headers) + " |");
        Line("|" + string.Concat(headers.Select(_ => " --- |")));
        foreach (var row in rows)
        {
            // GFM splits cells at every unescaped '|', even inside code spans.
            Line("| " + string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
    }

    public override string ToString() => _text.ToString();
}
