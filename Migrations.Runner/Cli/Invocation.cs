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
    private readonly Lazy<MigrationSet> _migrations;
    private ConnectionSettings? _settings;
    private Redactor _redactor = new(null);
    private StringWriter? _printed;
    private object? _result;
    private ProgressReporter? _progress;

    private Invocation(ParseResult parse, CommonOptions options, RunnerConsole console)
    {
        Parse = parse;
        _options = options;
        Console = console;
        _migrations = new(() => MigrationSet.Load(Parse.GetValue(_options.Assembly), _options.Selection(Parse)));
    }

    public ParseResult Parse { get; }

    public RunnerConsole Console { get; }

    /// <summary>Where the verb prints its results: stdout, or with --json a buffer that becomes the one JSON object.</summary>
    public TextWriter Out => Json ? _printed ??= new StringWriter() : Console.Out;

    public bool Verbose => Parse.GetValue(_options.Verbose);

    /// <summary>--json (or --format json): one JSON object on stdout, the error included; text lines go to stderr.</summary>
    public bool Json => Parse.GetValue(_options.Json);

    /// <summary>The verb's typed result, which --json prints as the run's JSON object (text output ignores it).</summary>
    public void SetResult(object result) => _result = result;

    public ConnectionSettings Settings => _settings ??= RunnerConfiguration.Resolve(
        Parse.GetValue(_options.Connection),
        Parse.GetValue(_options.Environment),
        Console.GetEnvironmentVariable,
        Console.WorkingDirectory);

    public MigrationSet Migrations => _migrations.Value;

    /// <summary>
    /// The set, loaded on first use by whichever thread asks first (thread-safe): a service given this opens its
    /// connection while the main thread loads and scans the assemblies.
    /// </summary>
    public Lazy<MigrationSet> MigrationsOnDemand => _migrations;

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
        OutputOptions.AddTo(command, options);
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
            StartProgress(configured);
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
        StartProgress(connectionString);
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
        // With --json the steps still show as they land, on stderr, and the result lists them.
        OnStep = step =>
        {
            _progress?.Landed(step);
            (Json ? Console.Error : Out).WriteLine(Report.Step(step));
        },
        OnStarting = (migration, pid) => _progress?.Starting(migration, pid),
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
            int exitCode;
            try
            {
                exitCode = await action(this, cancellationToken);
            }
            finally
            {
                if (_progress is not null)
                {
                    await _progress.DisposeAsync();
                }
            }

            if (Json)
            {
                await Console.Out.WriteLineAsync(JsonOutput.Success(_result, _printed?.ToString() ?? ""));
            }

            return exitCode;
        }
        catch (RunnerErrorException e)
        {
            return Fail(JsonOutput.Code(e.Error), ErrorText.Describe(e.Error, ConnectionSource), e);
        }
        catch (Npgsql.PostgresException e)
        {
            // Outside a migration: the runner's own bookkeeping (VersionInfo, checksums, scratch databases) was refused.
            var advice = e.SqlState switch
            {
                "42501" => "grant the runner's role what it needs (docs/RELIABILITY.md, least privilege): "
                    + "it must own the schema it migrates",
                "25006" => "the database is read-only (a hot standby, or default_transaction_read_only): run against the primary",
                "53300" => "the server has no free connection slots: retry when load drops",
                _ => "check the role's privileges and the server's state; rerun with --verbose for details",
            };
            return Fail("postgres-error", new ErrorMessage($"{e.SqlState} {e.MessageText}", advice), e);
        }
        catch (OperationCanceledException e)
        {
            return Fail("cancelled", new ErrorMessage("cancelled", null, ExitCodes.Cancelled), e, trace: false);
        }
        catch (Exception e)
        {
            return Fail(
                "unexpected",
                new ErrorMessage(
                    $"unexpected {e.GetType().Name}: {e.Message.Split('\n')[0]}",
                    Verbose ? null : "rerun with --verbose for the stack trace, and report it if it looks like a bug"),
                e);
        }
    }

    private void StartProgress(string connectionString)
    {
        var command = Parse.CommandResult.Command;
        var interval = command.Options.Contains(_options.ProgressInterval)
            ? Parse.GetValue(_options.ProgressInterval)
            : _options.ProgressInterval.GetDefaultValue() is int seconds ? seconds : 0;
        _progress ??= new ProgressReporter(
            Console.Error, Console.ErrorIsTerminal, TimeSpan.FromSeconds(interval), connectionString, _redactor.Redact);
    }

    private int Fail(string code, ErrorMessage message, Exception exception, bool trace = true)
    {
        ErrorReport.Write(Console.Error, message, _redactor.Redact);
        if (Verbose && trace)
        {
            Error(exception.ToString());
        }

        if (Json)
        {
            Console.Out.WriteLine(JsonOutput.Failure(code, message, _redactor.Redact));
        }

        return message.ExitCode;
    }
}
