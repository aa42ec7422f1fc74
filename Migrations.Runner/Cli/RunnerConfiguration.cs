using Microsoft.Extensions.Configuration;
using Migrations.Runner.Errors;
using Npgsql;

namespace Migrations.Runner.Cli;

/// <summary>Where the connection string came from and which environment the runner is in.</summary>
/// <param name="ConnectionString">Null when nothing configures one (zero-config development database).</param>
/// <param name="Source">Human name of the source, for messages: never the value itself.</param>
/// <param name="Environment">Development, Staging, Production, ... as given (compared case-insensitively).</param>
/// <param name="EnvironmentSource">Where the environment name came from, for messages.</param>
public sealed record ConnectionSettings(string? ConnectionString, string Source, string Environment, string EnvironmentSource)
{
    /// <summary>The only environment that may fall back to the local development database.</summary>
    public bool IsDevelopment => string.Equals(Environment, RunnerConfiguration.DefaultEnvironment, StringComparison.OrdinalIgnoreCase);

    /// <summary>An environment on the developer's own machine, where destructive verbs need no --yes.</summary>
    public bool IsLocal => RunnerConfiguration.LocalEnvironments.Contains(Environment, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Reads configuration once, in one place. Connection string precedence: <c>--connection</c>, then
/// <c>DATABASE_CONNECTION_STRING</c>, then <c>ConnectionStrings:Default</c> in <c>appsettings.{Environment}.json</c>,
/// then in <c>appsettings.json</c> (next to the runner, overridden by the working directory's). An empty option or
/// variable is an error, never a reason to look further. Environment: <c>--environment</c>, then
/// <c>DOTNET_ENVIRONMENT</c>, then <c>ASPNETCORE_ENVIRONMENT</c> (WebApplicationBuilder's order), else Development
/// (as <c>dotnet ef</c>).
/// </summary>
public static class RunnerConfiguration
{
    public const string ConnectionStringVariable = "DATABASE_CONNECTION_STRING";
    public const string EnvironmentVariable = "DOTNET_ENVIRONMENT";
    public const string AspNetCoreEnvironmentVariable = "ASPNETCORE_ENVIRONMENT";
    public const string DefaultEnvironment = "Development";
    public const string ApplicationName = "Migrations.Runner";

    /// <summary>
    /// Environments that run destructive verbs without --yes. A closed list, so that any other name (a misspelt
    /// "Prod", a shared "Test" or "QA" server) is protected rather than exposed.
    /// </summary>
    public static IReadOnlyList<string> LocalEnvironments { get; } = [DefaultEnvironment, "Local"];

    private const string KeyValueForm = "use the key=value form, e.g. Host=localhost;Port=5432;Database=app;Username=app";

    public static ConnectionSettings Resolve(
        string? connectionOption, string? environmentOption, Func<string, string?> getEnvironmentVariable, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var (environment, environmentSource) = ResolveEnvironment(environmentOption, getEnvironmentVariable);
        ConnectionSettings Found(string connectionString, string source) =>
            new(Normalize(connectionString, source), source, environment, environmentSource);

        // Given but empty is a mistake (an unset variable in a deploy script), not a wish for the next source: falling
        // through could reach a different database than the one meant.
        if (connectionOption is not null)
        {
            return string.IsNullOrWhiteSpace(connectionOption)
                ? throw new RunnerErrorException(new CliError(
                    "--connection is empty", "pass a connection string (Host=...;Database=...), or leave --connection out"))
                : Found(connectionOption, "--connection");
        }

        if (getEnvironmentVariable(ConnectionStringVariable) is { } fromVariable)
        {
            return string.IsNullOrWhiteSpace(fromVariable)
                ? throw new RunnerErrorException(new CliError(
                    $"{ConnectionStringVariable} is set but empty",
                    "set it to a connection string (Host=...;Database=...), or unset it; an empty one is never taken to mean "
                    + "another database"))
                : Found(fromVariable, ConnectionStringVariable);
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
                    return Found(fromFile, file);
                }
            }
        }

        return new(null, "nothing", environment, environmentSource);
    }

    internal static (string Name, string Source) ResolveEnvironment(string? option, Func<string, string?> getEnvironmentVariable)
    {
        if (option is not null)
        {
            return string.IsNullOrWhiteSpace(option)
                ? throw new RunnerErrorException(new CliError(
                    "--environment is empty", "pass an environment name (Development, Staging, Production), or leave --environment out"))
                : (option.Trim(), "--environment");
        }

        foreach (var variable in new[] { EnvironmentVariable, AspNetCoreEnvironmentVariable })
        {
            if (FirstNonEmpty(getEnvironmentVariable(variable)) is { } name)
            {
                return (name.Trim(), variable);
            }
        }

        return (DefaultEnvironment, "the default");
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
