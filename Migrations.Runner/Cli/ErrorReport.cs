namespace Migrations.Runner.Cli;

/// <summary>An error as text on stderr: one <c>error:</c> line, indented details, one <c>next:</c> line.</summary>
internal static class ErrorReport
{
    public static void Write(TextWriter error, ErrorMessage message, Func<string, string> redact)
    {
        error.WriteLine(redact("error: " + message.Message));
        foreach (var detail in message.Details)
        {
            error.WriteLine(redact("  " + detail));
        }

        if (message.Advice is not null)
        {
            error.WriteLine(redact("next: " + message.Advice));
        }
    }
}
