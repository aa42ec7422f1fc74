// Turns one reliability run (the figures the tests wrote, the TRX of dotnet test) into the figures section of
// docs/RELIABILITY.md. Run by reliability/run.sh as a file-based app: dotnet run reliability/Render.cs -- ARGS.
// Arguments: results.jsonl test.trx docs/RELIABILITY.md "header line".
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

const string Begin = "<!-- figures:begin (written by reliability/run.sh from a real run; do not edit by hand) -->";
const string End = "<!-- figures:end -->";

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Render.cs RESULTS.jsonl TEST.trx RELIABILITY.md \"header line\"");
    return 2;
}

var (resultsPath, trxPath, docPath, header) = (args[0], args[1], args[2], args[3]);
var lines = File.Exists(resultsPath) ? File.ReadAllLines(resultsPath).Where(l => l.Length > 0).ToList() : [];
var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
var tests = ReadTrx(trxPath);

var md = new StringBuilder();
md.AppendLine(Begin);
md.AppendLine();
var server = records.Select(r => r.TryGetProperty("serverVersion", out var v) ? v.GetString() : null).FirstOrDefault(v => v is not null);
md.AppendLine(server is null ? header : $"{header} PostgreSQL {server}.");
md.AppendLine();
var failed = tests.Count(t => t.Outcome != "Passed");
md.AppendLine(CultureInfo.InvariantCulture,
    $"**{tests.Count(t => t.Outcome == "Passed")} tests passed, {failed} failed** ({tests.Count} in the category).");
md.AppendLine();
md.AppendLine("| test class | passed | failed | time |");
md.AppendLine("|------------|--------|--------|------|");
foreach (var group in tests.GroupBy(t => t.Name.Split('.')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    md.AppendLine(CultureInfo.InvariantCulture,
        $"| {group.Key} | {group.Count(t => t.Outcome == "Passed")} | {group.Count(t => t.Outcome != "Passed")} | "
        + $"{group.Sum(t => t.Duration.TotalSeconds):0.0} s |");
}

foreach (var test in tests.Where(t => t.Outcome != "Passed").OrderBy(t => t.Name, StringComparer.Ordinal))
{
    md.AppendLine();
    md.AppendLine(CultureInfo.InvariantCulture, $"- **{test.Outcome}**: {Cell(test.Name)}");
}

md.AppendLine();
md.AppendLine("### Figures");
md.AppendLine();
md.AppendLine("| scenario | figures |");
md.AppendLine("|----------|---------|");
string[] order =
[
    "concurrent-up", "up-vs-rollback", "up-vs-baseline", "fail-at", "kill-9", "invalid-index", "lock-timeout", "statement-timeout",
    "connection-lost", "least-privilege",
];
foreach (var record in records.Where(r => Scenario(r) != "bad-input")
    .OrderBy(r => Array.IndexOf(order, Scenario(r)) is var i && i < 0 ? order.Length : i)
    .ThenBy(r => r.TryGetProperty("failingVersion", out var v) ? v.GetInt64() : 0))
{
    var figures = record.EnumerateObject()
        .Where(p => p.Name is not ("scenario" or "processes" or "trials"))
        .Select(p => $"{p.Name} = {Value(p.Value)}");
    md.AppendLine(CultureInfo.InvariantCulture, $"| {Scenario(record)} | {Cell(string.Join("; ", figures))} |");
}

md.AppendLine();
md.AppendLine("### Bad input catalogue");
md.AppendLine();
md.AppendLine("Each row ran the runner in process with a connection string holding a recognisable password; every row");
md.AppendLine("also asserts no stack trace and that the password appears nowhere in stdout or stderr.");
md.AppendLine();
md.AppendLine("| # | case | exit (expected) | passed | stderr: the error line |");
md.AppendLine("|---|------|-----------------|--------|------------------------|");
foreach (var row in records.Where(r => Scenario(r) == "bad-input").OrderBy(r => r.GetProperty("number").GetInt32()))
{
    md.AppendLine(CultureInfo.InvariantCulture,
        $"| {row.GetProperty("number").GetInt32()} | {Cell(row.GetProperty("case").GetString() ?? "")} | "
        + $"{row.GetProperty("exitCode").GetInt32()} ({row.GetProperty("expectedExitCode").GetInt32()}) | "
        + $"{(row.GetProperty("passed").GetBoolean() ? "yes" : "**no**")} | `{Code(row.GetProperty("stderr").GetString() ?? "")}` |");
}

md.AppendLine();
md.Append(End);

var doc = File.ReadAllText(docPath);
var start = doc.IndexOf(Begin, StringComparison.Ordinal);
var stop = doc.IndexOf(End, StringComparison.Ordinal);
if (start < 0 || stop < start)
{
    Console.Error.WriteLine($"{docPath}: the figures markers are missing");
    return 1;
}

File.WriteAllText(docPath, doc[..start] + md + doc[(stop + End.Length)..]);
Console.WriteLine($"wrote the figures of {records.Count} records and {tests.Count} tests into {docPath}");
return 0;

static string Scenario(JsonElement record) => record.GetProperty("scenario").GetString() ?? "";

static string Value(JsonElement value) => value.ValueKind switch
{
    JsonValueKind.String => value.GetString() ?? "",
    JsonValueKind.True => "yes",
    JsonValueKind.False => "no",
    _ => value.GetRawText(),
};

// Table cells: a pipe would end the cell, a newline the row.
static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

// Inline code cannot escape a backtick; none of the runner's messages should hold one, but a stray one must not break the table.
static string Code(string text) => Cell(text).Replace("`", "'", StringComparison.Ordinal);

static List<TestOutcome> ReadTrx(string path)
{
    if (!File.Exists(path))
    {
        return [];
    }

    XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    return [.. XDocument.Load(path).Descendants(ns + "UnitTestResult").Select(r => new TestOutcome(
        ShortName((string?)r.Attribute("testName") ?? ""),
        (string?)r.Attribute("outcome") ?? "",
        TimeSpan.TryParse((string?)r.Attribute("duration"), CultureInfo.InvariantCulture, out var d) ? d : TimeSpan.Zero))];
}

// "Migrations.Tests.Reliability.CrashTests.A_runner_..." reads better as "CrashTests.A_runner_...".
static string ShortName(string name) => name.Replace("Migrations.Tests.Reliability.", "", StringComparison.Ordinal);

internal sealed record TestOutcome(string Name, string Outcome, TimeSpan Duration);
