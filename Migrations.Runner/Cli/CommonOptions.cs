using System.CommandLine;

namespace Migrations.Runner.Cli;

/// <summary>Options every verb understands (recursive on the root) and the ones several verbs share.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Connection { get; } = new("--connection", "-c")
    {
        Description = $"Npgsql connection string (Host=...;Database=...). Default: {RunnerConfiguration.ConnectionStringVariable}, "
            + "then appsettings.{Environment}.json, then appsettings.json (ConnectionStrings:Default), then, in the Development "
            + "environment only, the local development database. An empty value is an error",
        Recursive = true,
    };

    public Option<string?> Environment { get; } = new("--environment", "-e")
    {
        Description = "Environment name (Development, Staging, Production, ...; any case). "
            + $"Default: {RunnerConfiguration.EnvironmentVariable}, then {RunnerConfiguration.AspNetCoreEnvironmentVariable}, "
            + $"else {RunnerConfiguration.DefaultEnvironment}. Outside "
            + $"{string.Join(" and ", RunnerConfiguration.LocalEnvironments)}, destructive verbs need --yes",
        Recursive = true,
    };

    public Option<string[]> Assembly { get; } = new("--assembly", "-a")
    {
        Description = "Path of a FluentMigrator migrations .dll to run instead of the built-in Migrations project "
            + "(repeat to combine several)",
        AllowMultipleArgumentsPerToken = false,
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show FluentMigrator's log (SQL, timings) and stack traces on errors",
        Recursive = true,
    };

    public Option<int> LockTimeout { get; } = new("--lock-timeout")
    {
        Description = "Seconds to wait for another runner's migration lock before giving up",
        DefaultValueFactory = _ => 300,
    };

    public Option<int> DatabaseLockTimeout { get; } = new("--db-lock-timeout")
    {
        Description = "PostgreSQL lock_timeout of migration sessions, in seconds (0: none); "
            + "a migration may override it with SET LOCAL lock_timeout",
        DefaultValueFactory = _ => 10,
    };

    public Option<int> StatementTimeout { get; } = new("--db-statement-timeout")
    {
        Description = "PostgreSQL statement_timeout of migration sessions, in seconds (0: none)",
        DefaultValueFactory = _ => 0,
    };

    public Option<bool> Yes { get; } = new("--yes", "-y")
    {
        Description = "Confirm this destructive verb in an environment other than "
            + $"{string.Join(" or ", RunnerConfiguration.LocalEnvironments)}, where it refuses without it",
    };

    public Option<string?> ShadowConnection { get; } = new("--shadow-connection")
    {
        Description = "Connection to the server on which to create the scratch database (default: the live database's server)",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable output: one JSON object on stdout, errors included (docs/JSON.md)",
    };

    /// <summary>The long form of --json, as Atlas and Flyway spell it; every verb has both (OutputOptions).</summary>
    public Option<string?> Format { get; } = new Option<string?>(JsonOutput.FormatFlag)
    {
        Description = "Output format: text (the default) or json (the same as --json)",
        HelpName = "text|json",
    }.AcceptOnlyFromAmong("text", "json");

    public Option<int> ProgressInterval { get; } = new("--progress-interval")
    {
        Description = "Seconds between progress lines on stderr while one migration runs long (0: none); "
            + "each says which migration, for how long, and what the server says it is doing",
        DefaultValueFactory = _ => 5,
    };

    public CommonOptions()
    {
        foreach (var seconds in new[] { LockTimeout, DatabaseLockTimeout, StatementTimeout, ProgressInterval })
        {
            seconds.Parses(Numbers.Seconds);
            seconds.Validators.Add(r =>
            {
                if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out var value) && value < 0)
                {
                    r.AddError($"{seconds.Name} must be 0 or more seconds");
                }
            });
        }
    }

    /// <summary>The options of verbs that run migrations: the runner's lock wait and the migration session's timeouts.</summary>
    public IEnumerable<Option> Migrating => [LockTimeout, DatabaseLockTimeout, StatementTimeout, ProgressInterval];

    /// <summary>A target version: 0 (none) or more.</summary>
    public static Option<long?> Target(string description)
    {
        var option = new Option<long?>("--to", "-t") { Description = description }.ParsesOptional(Numbers.Version);
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && long.TryParse(r.Tokens[0].Value, out var version) && version < 0)
            {
                r.AddError("--to must be a version number, 0 or more");
            }
        });
        return option;
    }

    public void AddGlobalsTo(RootCommand root)
    {
        root.Options.Add(Connection);
        root.Options.Add(Environment);
        root.Options.Add(Assembly);
        root.Options.Add(Verbose);
    }
}
