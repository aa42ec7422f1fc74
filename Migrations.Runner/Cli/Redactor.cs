using Npgsql;

namespace Migrations.Runner.Cli;

/// <summary>Removes the password of the connection in use from any text before it is shown or logged.</summary>
public sealed class Redactor
{
    private const string Mask = "********";
    private readonly string? _password;

    public Redactor(string? connectionString)
    {
        if (connectionString is null)
        {
            return;
        }

        try
        {
            _password = new NpgsqlConnectionStringBuilder(connectionString).Password;
        }
        catch (ArgumentException)
        {
            _password = null;
        }
    }

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = text;
        if (!string.IsNullOrEmpty(_password))
        {
            result = result.Replace(_password, Mask, StringComparison.Ordinal);
        }

        // Connection strings that reach a message by another route (an exception quoting one) lose any password too.
        return System.Text.RegularExpressions.Regex.Replace(result, @"(?i)(password|pwd)\s*=\s*[^;]*", "$1=" + Mask);
    }
}
