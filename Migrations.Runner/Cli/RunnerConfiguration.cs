using Microsoft.Extensions.Configuration;
using Migrations.Runner.Errors;
using Npgsql;

namespace Migrations.Runner.Cli;

/// <summary>Where the connection string came from and which environment the runner is in.</summary>
/// <param name="ConnectionString">Null when nothing configures one (zero-config development database).</param>
/// <param name="Source">Human name of the source, for messages: never the value itself.</param>
/// <param name="Environment">Development, Staging, Production, ...</param>
public sealed record ConnectionSettings(string? ConnectionString, string Source, string Environment)
{
    public bool IsProduction => string.Equals(Environment, "Production", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Reads configuration once, in one place. Connection string precedence: <c>--connection</c>, then
/// <c>DATABASE_CONNECTION_STRING</c>, then <c>ConnectionStrings:Default</c> in <c>appsettings.{Environment}.json</c>,
/// then in <c>appsettings.json</c> (next to the runner, overridden by the working directory's).
/// Environment: <c>--environment</c>, then <c>DOTNET_ENVIRONMENT</c>, else Development (as <c>dotnet ef</c>).
/// </summary>
public static class RunnerConfiguration
{
    public const string ConnectionStringVariable = "DATABASE_CONNECTION_STRING";
    public const string EnvironmentVariable = "DOTNET_ENVIRONMENT";
    public const string DefaultEnvironment = "Development";
    public const string ApplicationName = "Migrations.Runner";

    private const string KeyValueForm = "use the key=value form, e.g. Host=localhost;Port=5432;Database=app;Username=app";

    public static ConnectionSettings Resolve(
        string? connectionOption, string? environmentOption, Func<string, string?> getEnvironmentVariable, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var environment = FirstNonEmpty(environmentOption, getEnvironmentVariable(EnvironmentVariable)) ?? DefaultEnvironment;

        if (FirstNonEmpty(connectionOption) is { } fromOption)
        {
            return new(Normalize(fromOption, "--connection"), "--connection", environment);
        }

        if (FirstNonEmpty(getEnvironmentVariable(ConnectionStringVariable)) is { } fromVariable)
        {
            return new(Normalize(fromVariable, ConnectionStringVariable), ConnectionStringVariable, environment);
        }

        foreach (var file in new[] { $"appsettings.{environment}.json", "appsettings.json" })
        {
            foreach (var directory in new[] { workingDirectory, AppContext.BaseDirectory }.Distinct())
            {
                var path = Path.Combine(directory, file);
                if (!File.Exists(path))
                {
                    continue;
                }

                IConfiguration configuration;
                try
                {
                    configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
                }
                catch (InvalidDataException e)
                {
                    throw new RunnerErrorException(new CliError(
                        $"{path} is not valid JSON: {e.InnerException?.Message ?? e.Message}", "fix the file or pass --connection"));
                }

                if (FirstNonEmpty(configuration.GetConnectionString("Default")) is { } fromFile)
                {
                    return new(Normalize(fromFile, file), file, environment);
                }
            }
        }

        return new(null, "nothing", environment);
    }

    /// <summary>Parses the connection string (a usage error when malformed) and names the runner's sessions.</summary>
    public static string Normalize(string connectionString, string source)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // Npgsql's message names the keyword, never the password value.
            throw new RunnerErrorException(new CliError($"the connection string from {source} is malformed: {e.Message}", KeyValueForm));
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new RunnerErrorException(new CliError($"the connection string from {source} names no Host", KeyValueForm));
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = ApplicationName;
        }

        return builder.ConnectionString;
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
