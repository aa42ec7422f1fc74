using System.Globalization;
using Migrations.Runner.Catalog;
using Migrations.Runner.Errors;
using Migrations.Runner.Services;
using Migrations.Runner.Session;

namespace Migrations.Runner.Cli;

/// <summary>An error as the command line prints it: one line, indented details, what to do next, and the exit code.</summary>
internal sealed record ErrorMessage(string Message, string? Advice, int ExitCode, IReadOnlyList<string> Details)
{
    public ErrorMessage(string message, string? advice, int exitCode = ExitCodes.Failure)
        : this(message, advice, exitCode, [])
    {
    }
}

/// <summary>The wording, advice and exit code of every typed error: the one place they are written.</summary>
internal static class ErrorText
{
    private const string BuiltDll = "pass the path of a built migrations .dll";

    /// <param name="error">What went wrong.</param>
    /// <param name="connectionSource">Where the connection string came from (an option, a variable, a file), to name in advice.</param>
    public static ErrorMessage Describe(RunnerError error, string? connectionSource = null) => error switch
    {
        AssemblyUnusable e => Assembly(e),
        DuplicateVersion e => new($"the migrations assembly is inconsistent: {e.First} and {e.Second} share version {e.Version}",
            "give each migration its own version number"),
        NoMigrations { LeftOut: > 0, Selection: { } selection } e => new(
            $"no migration is selected: {Selected(selection)} left out all {Report.Plural(e.LeftOut, "migration")} of the assembly",
            "check the namespace (--nested takes its sub-namespaces too) and tags given, or leave them out to select every migration",
            ExitCodes.Usage),
        NoMigrations => new("the migrations assembly holds no migrations", BuiltDll + " with --assembly"),
        NoParameterlessConstructor e => new($"migration {e.TypeName} has no parameterless constructor",
            "give the migration class a constructor without parameters"),
        ConstructorFailed e => new($"migration {e.TypeName} failed in its constructor: {e.Reason}", "fix the migration's constructor"),
        MigrationCannotBeBuilt { NotWritten: true } e => new(
            $"migration {e.Migration.Version} {e.Migration.Name} is not written yet: its Up() throws NotImplementedException ({e.Reason})",
            $"write Up() and Down() of {e.Migration.Name}, then run up again; nothing was applied"),
        MigrationCannotBeBuilt e => new(
            $"migration {e.Migration.Version} {e.Migration.Name} cannot be built: {e.ExceptionType}: {e.Reason}",
            "fix the migration, then run up again; nothing was applied"),
        UnexpectedVersionTableShape e => new(
            $"{e.Table} has an unexpected shape ({string.Join(", ", e.Columns)}); "
            + "FluentMigrator's has Version bigint, AppliedOn, Description",
            "this table was not created by FluentMigrator: rename it, or point the runner at the right database"),
        ConnectionFailed e => Connection(e, connectionSource),
        LockTimedOut e => new(
            $"timed out after {e.Timeout.TotalSeconds:0} s waiting for the migration lock held by {Holder(e.Holder)}",
            "wait for the other runner to finish, or raise --lock-timeout; if it is stuck, end its session with pg_terminate_backend(pid)"),
        UnknownTargetVersion e => new(
            $"{e.Target} is not a known migration version (known: {e.First}..{e.Last}{(e.HasGaps ? ", with gaps" : "")})",
            e.ZeroAllowed ? "pass a version listed by 'status', or 0 for none" : "pass a version listed by 'status'",
            ExitCodes.Usage),
        UnrecordedSchema e => new(
            $"refusing to migrate: the database holds {Report.Plural(e.Count, "object")} ({string.Join(", ", e.First)}"
            + $"{(e.Count > e.First.Count ? ", ..." : "")}) but no VersionInfo, so nothing says which migrations built it",
            "compare it with the migrations ('drift'), then adopt it with 'baseline --version V'; or point at an empty database"),
        OutOfOrderPending e => new(
            $"pending {Listed(e.Migrations)} older than the newest applied version {e.NewestApplied}: "
            + "applying it now would run it out of order",
            "check that the branch was merged as intended; rerun with --out-of-order to apply it anyway"),
        BreakingChangeRefused e => new(
            $"refusing to migrate: migration {e.Migration.Version} {e.Migration.Name} is marked BreakingChange, "
            + "which FluentMigrator runs only when breaking changes are allowed",
            "rerun with --allow-breaking-changes once the change is coordinated, or apply it by hand after review"),
        InvalidIndexesPresent e => InvalidIndexes(e.Indexes),
        ChecksumsChanged e => Changed(e),
        TooManySteps e => new(
            $"cannot roll back {Report.Plural(e.Steps, "step")}: only {e.Applied} migration{(e.Applied == 1 ? " is" : "s are")} applied",
            e.Applied == 0 ? "nothing to roll back" : $"use --steps {e.Applied} or down --to 0"),
        UnknownAppliedVersions e => Unknown(e),
        UnknownAppliedRefused e => UnknownBeforeUp(e),
        VersionsNotAcceptable e => new(
            $"cannot accept {string.Join(", ", e.Versions)}: only applied migrations known to the assembly have checksums",
            "pass versions that 'status' lists as CHANGED", ExitCodes.Usage),
        HistoryExists e => new(
            $"refusing to baseline: VersionInfo already records {Report.Plural(e.Count, "applied migration")} (newest {e.Newest})",
            "baseline is for databases that were never migrated; use 'status' and 'up' here"),
        BaselineSchemaDiffers e => new(
            $"refusing to baseline: the schema differs from migrations 1..{e.Version} in {Report.Plural(e.Differences.Count, "way")}",
            "bring the database in line (or pick the version it really matches); --force records the versions anyway",
            ExitCodes.Failure,
            [.. e.Differences.Select(d => d.Describe())]),
        MigrationFailed e => MigrationFailure.Describe(e),
        RunCancelled e => Cancelled(e),
        MaintenanceFailed e => new($"[Maintenance({e.Stage})] migration {e.Name} failed: {e.Reason}",
            "fix the maintenance migration; maintenance runs in its own transaction, which was rolled back"),
        SnapshotUnreadable e => new($"--against {e.Path}: {e.Reason}", "pass a file written by 'schema --output'", ExitCodes.Usage),
        ScratchDatabaseRefused e => new($"cannot create a scratch database on {e.Host}:{e.Port}: {e.SqlState} {e.Message}",
            "grant CREATEDB to the runner's role, or pass --shadow-connection to a server where it may create databases"),
        CliError e => new(e.Message, e.Advice, e.ExitCode),
        _ => OfTheirRooms(error),
    };

    // Each feature words its own errors in a file of its own (Cli/<Feature>ErrorText.cs); none claims another's.
    private static ErrorMessage OfTheirRooms(RunnerError error) =>
        FidelityErrorText.TryDescribe(error)
        ?? PlanErrorText.TryDescribe(error)
        ?? ImportErrorText.TryDescribe(error)
        ?? GenerationErrorText.TryDescribe(error)
        ?? VerifyErrorText.TryDescribe(error)
        ?? GeneratedDownErrorText.TryDescribe(error)
#if DEVELOPMENT_TOOLS
        ?? DevelopmentErrorText.Describe(error);
#else
        ?? new($"unexpected {error.GetType().Name}", "rerun with --verbose, and report it if it looks like a bug");
#endif

    /// <summary>A problem <c>validate</c> found, as one line.</summary>
    public static string Describe(ValidationProblem problem) => problem switch
    {
        DuplicateVersionProblem p => $"version {p.Version} is used by {string.Join(" and ", p.TypeNames)}",
        VersionGap p => $"versions jump from {p.From} to {p.To}: numbers are sequential with no gaps",
        NameMismatch p => $"class {p.TypeName} carries version {p.Version}: the number in the name and the attribute must agree",
        LegacyFileChanged p => $"{p.File} changed since it was shipped "
            + $"(SHA-256 {Report.Checksum(p.Actual)}, SHA256SUMS says {Report.Checksum(p.Expected)}): legacy files are never edited",
        UnknownAppliedProblem p => $"version {p.Version} ({p.Description}) is applied in the database but not in the migrations assembly",
        OutOfOrderProblem p => $"version {p.Version} is pending but older than the newest applied version {p.NewestApplied}",
        ChecksumChangedProblem p => $"applied migration {p.Version} {p.Name} changed since it ran (SHA-256 {Report.Checksum(p.Current)}, "
            + $"recorded {Report.Checksum(p.Recorded)})",
        InvalidIndexProblem p => $"index {p.Index} is INVALID (an interrupted CREATE INDEX CONCURRENTLY): "
            + $"run DROP INDEX CONCURRENTLY {p.Index}; then up again",
        _ => problem.Code,
    };

    public static string Holder(LockHolder? holder) =>
        holder is null
            ? "another session"
            : $"pid {holder.Pid} ({(holder.ApplicationName.Length == 0 ? "no application_name" : holder.ApplicationName)}"
              + (holder.ClientAddress is null ? "" : $" from {holder.ClientAddress}")
              + (holder.Since is { } s ? string.Create(CultureInfo.InvariantCulture, $", connected since {s:yyyy-MM-dd HH:mm:ss}Z") : "")
              + ")";

    private static ErrorMessage Cancelled(RunCancelled e)
    {
        var done = e.Up ? "applied" : "reverted";
        var before = e.Landed switch
        {
            0 => "",
            1 => $"; the 1 migration before it stays {done}",
            _ => $"; the {e.Landed} migrations before it stay {done}",
        };
        var message = e.InFlight is not { } m
            ? $"cancelled between migrations: {Report.Plural(e.Landed, "migration")} {done}, nothing was in flight"
            : e.Mode switch
            {
                MigrationMode.Transaction => $"cancelled: {Which(e.Up, m)} was stopped and its transaction rolled back" + before,
                _ => $"cancelled: {Which(e.Up, m)} was stopped; it runs without the runner's transaction, so what it committed "
                    + "before stays and VersionInfo does not record it" + before,
            };
        return new(message, "run the same command again to continue from where it stopped", ExitCodes.Cancelled);
    }

    private static string Which(bool up, MigrationEntry m) => $"{(up ? "migration" : "rollback of migration")} {m.Version} {m.Name}";

    private static ErrorMessage Assembly(AssemblyUnusable e) => e.Problem switch
    {
        AssemblyProblem.NotFound => new($"--assembly {e.Path}: no such file", BuiltDll, ExitCodes.Usage),
        AssemblyProblem.NotAnAssembly => new($"--assembly {e.Path}: not a .NET assembly", BuiltDll, ExitCodes.Usage),
        AssemblyProblem.CannotLoad => new($"--assembly {e.Path}: cannot be loaded: {e.Reason}", BuiltDll, ExitCodes.Usage),
        AssemblyProblem.TypesCannotLoad => new($"--assembly {e.Path}: its types cannot be loaded: {e.Reason}",
            "build it against FluentMigrator 8 and keep its dependencies beside it", ExitCodes.Usage),
        _ => new($"--assembly {e.Path}: holds no [Migration] classes", BuiltDll, ExitCodes.Usage),
    };

    private static string Selected(MigrationSelection selection)
    {
        var given = new List<string>();
        if (!string.IsNullOrEmpty(selection.Namespace))
        {
            given.Add($"--namespace {selection.Namespace}{(selection.NestedNamespaces ? " --nested" : "")}");
        }

        if (selection.Tags.Count > 0)
        {
            given.Add($"--tags {string.Join(",", selection.Tags)}");
        }

        return given.Count == 0 ? "the selection" : string.Join(" with ", given);
    }

    private static ErrorMessage Connection(ConnectionFailed e, string? source)
    {
        var at = $"{e.Host}:{e.Port}";
        var what = e.Problem switch
        {
            ConnectionProblem.NothingListening =>
                $"no PostgreSQL server answered at {at}: nothing listens on that port (connection refused)",
            ConnectionProblem.NotPostgres => $"no PostgreSQL server answered at {at}: something there accepted the connection and "
                + "closed it without speaking PostgreSQL's protocol",
            ConnectionProblem.TimedOut => $"no PostgreSQL server answered at {at} within the connection timeout",
            ConnectionProblem.UnknownHost => $"the host name {e.Host} does not resolve ({e.Reason})",
            _ => e.SqlState is null ? e.Reason : $"{e.SqlState} {e.Reason}",
        };
        var where = e.Shadow ? "--shadow-connection"
            : e.Side is { } side ? (side == DiffSide.From ? "--from" : "--to")
            : source ?? $"the connection string (--connection, {RunnerConfiguration.ConnectionStringVariable} or appsettings.json)";
        var advice = e.SqlState switch
        {
            "3D000" when e.Shadow => $"fix Database= in {where}, or leave it out to use the server's default database",
            "3D000" => $"create the database first (CREATE DATABASE) or fix Database= in {where}",
            // Not "Password=": the redactor would take the rest of the line for a password.
            "28P01" => $"fix the user name or password in {where}",
            "28000" => $"fix the user name in {where}, or let that role log in from here (LOGIN, pg_hba.conf)",
            _ => e.Problem switch
            {
                ConnectionProblem.NothingListening or ConnectionProblem.NotPostgres or ConnectionProblem.TimedOut
                    or ConnectionProblem.UnknownHost => $"fix Host= or Port= in {where}, or start PostgreSQL there",
                _ => $"check {where} and that the server is running",
            },
        };
        var server = e.Shadow ? "the shadow server " : "";
        var database = e.Database.Length == 0 ? "" : $" database {e.Database}";
        return new(
            $"cannot connect to {server}{at}{database} as {(e.User.Length == 0 ? "(default user)" : e.User)}: {what}",
            e.Shadow ? advice + " (the server scratch databases are created on)" : advice);
    }

    private static ErrorMessage InvalidIndexes(IReadOnlyList<string> invalid)
    {
        var one = invalid.Count == 1;
        return new(
            $"refusing to migrate: {(one ? "index" : "indexes")} {string.Join(", ", invalid)} {(one ? "is" : "are")} INVALID, "
            + $"left by an interrupted CREATE INDEX CONCURRENTLY (IF NOT EXISTS would keep {(one ? "it" : "them")} as is)",
            $"run {string.Join(" ", invalid.Select(n => $"DROP INDEX CONCURRENTLY {n};"))} then up again; "
            + "or rerun with --drop-invalid-indexes");
    }

    private static ErrorMessage Changed(ChecksumsChanged e)
    {
        var one = e.Changed.Count == 1;
        return new(
            $"refusing to migrate: the SQL of applied migration{(one ? "" : "s")} "
            + $"{string.Join(", ", e.Changed.Select(c => $"{c.Version} {c.Name}"))} changed since {(one ? "it" : "they")} ran",
            "restore the migration as it ran and add a new one for the change; "
            + "or, if the edit changes nothing that matters, accept it with: "
            + $"repair --accept {string.Join(" --accept ", e.Changed.Select(c => c.Version))}");
    }

    private static ErrorMessage Unknown(UnknownAppliedVersions e)
    {
        var one = e.Versions.Count == 1;
        var list = string.Join(", ", e.Versions.Select(a => $"{a.Version}" + (a.Description is null ? "" : $" ({a.Description})")));
        return new(
            $"refusing to roll back: applied version{(one ? "" : "s")} {list} {(one ? "is" : "are")} not in {e.SetName}, "
            + $"so {(one ? "its" : "their")} Down cannot run",
            "run the runner built from the code that applied it, "
            + "or remove the row from VersionInfo once its schema change has been undone by hand");
    }

    private static ErrorMessage UnknownBeforeUp(UnknownAppliedRefused e)
    {
        var one = e.Versions.Count == 1;
        var list = string.Join(", ", e.Versions.Select(a => $"{a.Version}" + (a.Description is null ? "" : $" ({a.Description})")));
        return new(
            $"refusing to migrate: applied version{(one ? "" : "s")} {list} {(one ? "is" : "are")} not in the migrations assembly, "
            + "so the database holds a change this build does not know",
            "run the build that applied it (or a newer one); if its change was undone by hand, delete its row from VersionInfo; "
            + "to migrate anyway (an older build after a newer one's deploy was rolled back), rerun with --ignore-unknown");
    }

    private static string Listed(IReadOnlyList<MigrationEntry> migrations) =>
        migrations.Count == 1
            ? $"migration {migrations[0].Version} {migrations[0].Name} is"
            : $"migrations {string.Join(", ", migrations.Select(m => m.Version))} are";
}

/// <summary>An error only the command line can meet (its options, its configuration, its files), worded where it is raised.</summary>
internal sealed record CliError(string Message, string? Advice, int ExitCode = ExitCodes.Usage) : RunnerError;
