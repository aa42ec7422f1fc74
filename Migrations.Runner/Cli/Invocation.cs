using System.CommandLine;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Services;
using Migrations.Runner.Session;
#if DEVELOPMENT_TOOLS
using Migrations.Runner.Development;
#endif

namespace Migrations.Runner.Cli;

/// <summary>
/// One verb's run: resolves configuration lazily and once, and turns every failure into one error line, indented
/// details, and a line of what to do next, with the password redacted and the stack trace only with --verbose.
/// </summary>
internal sealed class Invocation
{
    private readonly CommonOptions _options;
    private ConnectionSettings? _settings;
    private MigrationSet? _migrations;
    private Redactor _redactor = new(null);

    private Invocation(ParseResult parse, CommonOptions options, RunnerConsole console)
    {
        Parse = parse;
        _options = options;
        Console = console;
    }

    public ParseResult Parse { get; }

    public RunnerConsole Console { get; }

    public TextWriter Out => Console.Out;

    public bool Verbose => Parse.GetValue(_options.Verbose);

    public ConnectionSettings Settings => _settings ??= RunnerConfiguration.Resolve(
        Parse.GetValue(_options.Connection),
        Parse.GetValue(_options.Environment),
        Console.GetEnvironmentVariable,
        Console.WorkingDirectory);

    public MigrationSet Migrations => _migrations ??= MigrationSet.Load(Parse.GetValue(_options.Assembly), _options.Selection(Parse));

    /// <summary>The server for scratch databases from <c>--shadow-connection</c>, checked as the main one is; null if not given.</summary>
    public string? ShadowConnection =>
        Parse.GetValue(_options.ShadowConnection) is { } shadow ? RunnerConfiguration.Normalize(shadow, "--shadow-connection") : null;

    // Named in the advice of a failed connection; none for the development database, which nobody configured.
    private string? ConnectionSource => _settings is { ConnectionString: not null } settings
        ? settings.Source.EndsWith(".json", StringComparison.Ordinal) ? $"ConnectionStrings:Default in {settings.Source}" : settings.Source
        : null;

    /// <summary>Wires <paramref name="action"/> as the verb's action inside the shared error handling.</summary>
    public static void Bind(
        Command command, CommonOptions options, RunnerConsole console, Func<Invocation, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var invocation = new Invocation(parse, options, console);
            return await invocation.RunAsync(action, cancellationToken);
        });
    }

    /// <summary>
    /// The configured connection string, or the local development database started on demand: only in the Development
    /// environment, so a deploy that lost its connection string stops instead of migrating a database of its own.
    /// </summary>
    public async Task<string> ConnectionStringAsync(CancellationToken cancellationToken)
    {
        if (Settings.ConnectionString is { } configured)
        {
            _redactor = new Redactor(configured);
            return configured;
        }

        if (!Settings.IsDevelopment)
        {
            throw new RunnerErrorException(new CliError(
                $"no connection string configured for the {Settings.Environment} environment (from {Settings.EnvironmentSource})",
                $"pass --connection, set {RunnerConfiguration.ConnectionStringVariable}, or set ConnectionStrings:Default in "
                + $"appsettings.{Settings.Environment}.json or appsettings.json; the local development database is only for "
                + $"the {RunnerConfiguration.DefaultEnvironment} environment"));
        }

#if DEVELOPMENT_TOOLS
        var location = await DevDatabase.LocateAsync(Console.WorkingDirectory, Console.GetEnvironmentVariable, cancellationToken);
        var dev = await DevDatabase.EnsureAsync(location.Directory, cancellationToken);
        var connectionString = RunnerConfiguration.Normalize(dev.ConnectionString, "the development database");
        _redactor = new Redactor(connectionString);
        var where = dev.DataDirectory is null
            ? $"{dev.Host}:{dev.Port}, Docker container {DevDatabase.ContainerName}"
            : $"{dev.Host}:{dev.Port}, data in {dev.DataDirectory}"
              + (location.UnreachableRepository is { } repository ? $" (the postgres user cannot reach {repository})" : "");
        Error($"note: no connection configured; using the local development database {DevDatabase.DatabaseName} on {where}. "
            + $"Point elsewhere with --connection or {RunnerConfiguration.ConnectionStringVariable}.");
        return connectionString;
#else
        await Task.CompletedTask;
        throw new RunnerErrorException(new CliError("no connection string configured",
            $"pass --connection or set {RunnerConfiguration.ConnectionStringVariable} "
            + "(the local development database is in Debug builds only)"));
#endif
    }

    /// <summary>Throws a usage error unless the environment is a local one or --yes was given.</summary>
    public void ConfirmDestructive(string verb)
    {
        if (!Settings.IsLocal && !Parse.GetValue(_options.Yes))
        {
            throw new RunnerErrorException(new CliError(
                $"refusing to {verb} in the {Settings.Environment} environment without --yes",
                $"rerun with --yes once you are sure (the environment is from {Settings.EnvironmentSource}; only "
                + $"{string.Join(" and ", RunnerConfiguration.LocalEnvironments)} run destructive verbs unconfirmed)"));
        }
    }

    public RunOptions RunOptions() => new()
    {
        Session = new SessionSettings
        {
            LockTimeout = TimeSpan.FromSeconds(Parse.GetValue(_options.LockTimeout)),
            DatabaseLockTimeout = TimeSpan.FromSeconds(Parse.GetValue(_options.DatabaseLockTimeout)),
            StatementTimeout = TimeSpan.FromSeconds(Parse.GetValue(_options.StatementTimeout)),
            OnLockWait = (holder, waited) => Error(
                $"waiting for the migration lock held by {ErrorText.Holder(holder)} ({waited.TotalSeconds:0} s so far)"),
        },
        OnStep = step => Out.WriteLine(Report.Step(step)),
        LockRetries = Parse.GetValue(_options.LockRetries),
        OnLockRetry = retry => Error(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"lock timeout: {retry.Migration.Version} {retry.Migration.Name} could not get its locks ({retry.Message}); rolled back, "
            + $"retry {retry.Retry} of {retry.Retries} in {retry.Delay.TotalSeconds:0.##} s")),
        OnNote = note => Error("note: " + note switch
        {
            InvalidIndexDropped dropped => $"dropped INVALID index {dropped.Index}",
            _ => note.ToString(),
        }),
        Verbose = Verbose ? Console.Error : null,
    };

    public void Error(string line) => Console.Error.WriteLine(_redactor.Redact(line));

    private async Task<int> RunAsync(Func<Invocation, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action(this, cancellationToken);
        }
        catch (RunnerErrorException e)
        {
            var message = ErrorText.Describe(e.Error, ConnectionSource);
            Error("error: " + message.Message);
            foreach (var detail in message.Details)
            {
                Error("  " + detail);
            }

            if (message.Advice is not null)
            {
                Error("next: " + message.Advice);
            }

            if (Verbose)
            {
                Error(e.ToString());
            }

            return message.ExitCode;
        }
        catch (Npgsql.PostgresException e)
        {
            // Outside a migration: the runner's own bookkeeping (VersionInfo, checksums, scratch databases) was refused.
            Error($"error: {e.SqlState} {e.MessageText}");
            Error("next: " + e.SqlState switch
            {
                "42501" => "grant the runner's role what it needs (docs/RELIABILITY.md, least privilege): "
                    + "it must own the schema it migrates",
                "25006" => "the database is read-only (a hot standby, or default_transaction_read_only): run against the primary",
                "53300" => "the server has no free connection slots: retry when load drops",
                _ => "check the role's privileges and the server's state; rerun with --verbose for details",
            });
            if (Verbose)
            {
                Error(e.ToString());
            }

            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            Error("error: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            Error($"error: unexpected {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            Error(Verbose ? e.ToString() : "next: rerun with --verbose for the stack trace, and report it if it looks like a bug");
            return ExitCodes.Failure;
        }
    }
}
