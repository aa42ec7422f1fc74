using System.CommandLine;
using Migrations.Runner.Schema;
using Migrations.Runner.Errors;
using Migrations.Runner.Services;

namespace Migrations.Runner.Cli;

internal static class SchemaCommand
{
    public const string MarkdownTitle = "Database structure";

    public static Command Create(CommonOptions options, RunnerConsole console)
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Write the snapshot as JSON to this file (for 'drift --against')",
        };
        var markdown = new Option<string?>("--markdown")
        {
            Description = "Write the human document (tables, keys, indexes, views, functions, Mermaid diagram) to this file",
        };
        var command = new Command(
            "schema",
            HelpText.WithExamples(
                "Save the live schema as a JSON snapshot or a Markdown document (JSON to stdout without options)",
                "schema --output schema.json",
                "schema --markdown docs/DATABASE_STRUCTURE.md"))
        {
            output, markdown,
        };
        Invocation.Bind(command, options, console, async (run, ct) =>
        {
            var connection = await run.ConnectionStringAsync(ct);
            var snapshot = await new SchemaTruthService(run.Migrations, connection).SnapshotAsync(ct);
            var jsonPath = run.Parse.GetValue(output);
            var markdownPath = run.Parse.GetValue(markdown);
            if (jsonPath is null && markdownPath is null)
            {
                run.Out.WriteLine(snapshot.ToJson());
                return ExitCodes.Success;
            }

            run.SetResult(new { Written = new[] { jsonPath, markdownPath }.OfType<string>().ToList() });
            if (jsonPath is not null)
            {
                await Write(run, jsonPath, snapshot.ToJson() + "\n", ct);
            }

            if (markdownPath is not null)
            {
                await Write(run, markdownPath, SchemaMarkdown.Render(snapshot, MarkdownTitle), ct);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task Write(Invocation run, string path, string text, CancellationToken ct)
    {
        var full = Path.GetFullPath(path, run.Console.WorkingDirectory);
        try
        {
            await File.WriteAllTextAsync(full, text, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunnerErrorException(new CliError($"cannot write {path}: {e.Message}", "pass a writable path"), e);
        }

        run.Out.WriteLine(path);
    }
}
