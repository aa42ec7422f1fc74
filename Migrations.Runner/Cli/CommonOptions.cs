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
        Description = "Each migration as it starts and every statement as sent (sql: lines) on stderr, and stack traces on errors",
        Recursive = true,
    };

    public Option<string[]> Tags { get; } = new("--tags", "--tag")
    {
        Description = "Run the [Tags] migrations these tags select, as FluentMigrator's --tag (repeat, or separate with commas); "
            + "untagged migrations run too. Default: none, so tagged migrations do not run",
        AllowMultipleArgumentsPerToken = false,
        Recursive = true,
    };

    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "Run the [Profile] migrations of this profile (case-sensitive) after every up and down, as FluentMigrator does",
        Recursive = true,
    };

    public Option<string?> Namespace { get; } = new("--namespace", "--ns")
    {
        Description = "Only the migrations in this namespace, as FluentMigrator's --namespace (with --nested, its sub-namespaces too)",
        Recursive = true,
    };

    public Option<bool> Nested { get; } = new("--nested")
    {
        Description = "With --namespace: the migrations in its sub-namespaces too",
        Recursive = true,
    };

    public Option<bool> AllowBreakingChanges { get; } = new("--allow-breaking-changes", "--abc")
    {
        Description = "Apply migrations marked BreakingChange, as FluentMigrator's flag of the same name; refused without it",
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

    public Option<int> LockRetries { get; } = new("--lock-retries")
    {
        Description = "Try a migration that fails on lock_timeout (55P03) again, up to N times, each in a clean transaction "
            + "after a doubling delay from 0.25 s (default 0: fail at once)",
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
        LockRetries.Parses("a whole number of retries");
        LockRetries.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out var value) && value < 0)
            {
                r.AddError("--lock-retries must be 0 or more");
            }
        });
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

    /// <summary>The one selection of migrations every verb sees, from the options above; FluentMigrator's defaults otherwise.</summary>
    public Catalog.MigrationSelection Selection(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new()
        {
            Tags = [.. (parse.GetValue(Tags) ?? [])
                .SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            Profile = parse.GetValue(Profile) is { Length: > 0 } profile ? profile : null,
            Namespace = parse.GetValue(Namespace) is { Length: > 0 } ns ? ns : null,
            NestedNamespaces = parse.GetValue(Nested),
            AllowBreakingChanges = parse.GetValue(AllowBreakingChanges),
        };
    }

    /// <summary>The options of verbs that run migrations: the runner's lock wait and the migration session's timeouts.</summary>
    public IEnumerable<Option> Migrating => [LockTimeout, DatabaseLockTimeout, StatementTimeout, LockRetries, ProgressInterval];

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
        root.Options.Add(Tags);
        root.Options.Add(Profile);
        root.Options.Add(Namespace);
        root.Options.Add(Nested);
        root.Options.Add(AllowBreakingChanges);
    }
}
