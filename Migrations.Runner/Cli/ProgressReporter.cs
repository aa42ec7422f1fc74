using System.Diagnostics;
using System.Globalization;
using Migrations.Runner.Catalog;
using Migrations.Runner.Execution;
using Migrations.Runner.Session;
using Npgsql;

namespace Migrations.Runner.Cli;

/// <summary>
/// Signs of life while one migration runs long: every interval, a line on stderr saying which migration, for how long,
/// and what the server says its session is doing (read on a second connection, as the first is busy). A terminal gets
/// one live line, rewritten each second and cleared when the migration lands; redirected output gets plain lines.
/// Pipelined migrations are reported by the server only when their batch ends (it flushes its replies then), so while
/// several are outstanding the line names the range of them rather than claim which one runs.
/// </summary>
internal sealed class ProgressReporter : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly Queue<MigrationEntry> _sent = new();
    private readonly Stopwatch _since = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TextWriter _error;
    private readonly bool _live;
    private readonly TimeSpan _interval;
    private readonly string _connectionString;
    private readonly Func<string, string> _redact;
    private MigrationEntry? _current;
    private int _pid;
    private int _shown;
    private Task? _loop;

    public ProgressReporter(TextWriter error, bool live, TimeSpan interval, string connectionString, Func<string, string> redact)
    {
        _error = error;
        _live = live;
        _interval = interval;
        _connectionString = connectionString;
        _redact = redact;
    }

    /// <summary>A migration was sent; the ones before it land first, so the oldest sent and not landed is the one running.</summary>
    public void Starting(MigrationEntry migration, int pid)
    {
        if (_interval <= TimeSpan.Zero)
        {
            return;
        }

        lock (_gate)
        {
            _pid = pid;
            if (_current is null)
            {
                _current = migration;
                _since.Restart();
            }
            else
            {
                _sent.Enqueue(migration);
            }

            _loop ??= Task.Run(LoopAsync);
        }
    }

    /// <summary>A migration landed: the next one sent is running from now; a live line goes before the step's line shows.</summary>
    public void Landed(MigrationStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        lock (_gate)
        {
            ClearLive();
            if (_current?.Version == step.Migration.Version)
            {
                _current = _sent.TryDequeue(out var next) ? next : null;
                _since.Restart();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        lock (_gate)
        {
            ClearLive();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        NpgsqlConnection? connection = null;
        try
        {
            using var timer = new PeriodicTimer(Tick);
            (MigrationEntry Migration, long Interval) reported = default;
            var server = "";
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                MigrationEntry? migration;
                MigrationEntry? last;
                TimeSpan elapsed;
                int pid;
                lock (_gate)
                {
                    (migration, last, elapsed, pid) = (_current, _sent.LastOrDefault(), _since.Elapsed, _pid);
                }

                var interval = (long)(elapsed / _interval);
                if (migration is null || interval == 0 || (!_live && reported == (migration, interval)))
                {
                    continue;
                }

                if (reported != (migration, interval))
                {
                    reported = (migration, interval);
                    (connection, var activity) = await ReadAsync(connection, pid);
                    server = activity is null ? "" : "; server: " + ProgressText.Describe(activity);
                }

                var line = _redact(ProgressText.Line(migration, last, elapsed) + server);
                lock (_gate)
                {
                    if (_current == migration)
                    {
                        Write(line);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    // Progress must never fail the run: a server that cannot be asked leaves the line without what it would have said.
    private async Task<(NpgsqlConnection?, ServerActivity?)> ReadAsync(NpgsqlConnection? connection, int pid)
    {
        try
        {
            if (connection is null)
            {
                var builder = new NpgsqlConnectionStringBuilder(_connectionString)
                {
                    Pooling = false,
                    Timeout = 5,
                    ApplicationName = RunnerConfiguration.ApplicationName + " (progress)",
                };
                connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(_stop.Token);
            }

            return (connection, await ServerActivityReader.ReadAsync(connection, pid, _stop.Token));
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            return (null, null);
        }
    }

    private void Write(string line)
    {
        if (!_live)
        {
            _error.WriteLine(line);
            return;
        }

        // One line rewritten in place: no colour, no cursor codes, only a carriage return and blanks over the old text.
        var text = line.Length > 119 ? line[..118] + "~" : line;
        _error.Write("\r" + text.PadRight(_shown));
        _error.Flush();
        _shown = text.Length;
    }

    private void ClearLive()
    {
        if (_live && _shown > 0)
        {
            _error.Write("\r" + new string(' ', _shown) + "\r");
            _error.Flush();
            _shown = 0;
        }
    }
}

/// <summary>The wording of progress lines.</summary>
internal static class ProgressText
{
    public static string Line(MigrationEntry first, MigrationEntry? last, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(first);
        var seconds = elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        return last is null
            ? $"progress: migration {first.Version} {first.Name} running for {seconds} s"
            : $"progress: migrations {first.Version} {first.Name} to {last.Version} {last.Name} running for {seconds} s "
              + "(pipelined: the server reports them as their batch ends)";
    }

    public static string Describe(ServerActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var parts = new List<string> { activity.State ?? "unknown state" };
        if (activity.WaitEvent is { } wait)
        {
            parts.Add("waiting on " + wait);
        }

        if (activity.BlockedBy.Count > 0)
        {
            parts.Add($"blocked by pid {string.Join(", ", activity.BlockedBy)} (see pg_stat_activity)");
        }

        if (activity.Index is { } index)
        {
            var (done, total, unit) = index.BlocksTotal > 0
                ? (index.BlocksDone, index.BlocksTotal, "blocks")
                : (index.TuplesDone, index.TuplesTotal, "tuples");
            parts.Add($"{index.Command}: {index.Phase}"
                + (total > 0
                    ? string.Create(CultureInfo.InvariantCulture, $", {unit} {done} of {total} ({100.0 * done / total:0}%)")
                    : ""));
        }
        else if (activity.Query is { Length: > 0 } query)
        {
            parts.Add("running " + (query.Length > 60 ? query[..60] + "..." : query));
        }

        return string.Join(", ", parts);
    }
}
