using Microsoft.Extensions.Logging;

namespace Migrations.Runner.Services;

/// <summary>
/// Receives FluentMigrator's log: keeps the SQL it runs or would run (preview), and with --verbose echoes everything to a writer.
/// </summary>
internal sealed class MigrationLog(TextWriter? verbose) : ILoggerProvider
{
    private readonly TextWriter? _verbose = verbose;
    // FluentMigrator's RunnerEventIds.Sql: the statements, as sent or as previewed.
    private const int SqlEventId = 1003;

    private readonly List<string> _sql = [];

    public IReadOnlyList<string> Sql
    {
        get
        {
            lock (_sql)
            {
                return [.. _sql];
            }
        }
    }

    public void ClearSql()
    {
        lock (_sql)
        {
            _sql.Clear();
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(MigrationLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (eventId.Id == SqlEventId)
            {
                lock (owner._sql)
                {
                    owner._sql.Add(message);
                }
            }

            Echo(message);
        }

        private void Echo(string message)
        {
            if (owner._verbose is { } writer)
            {
                lock (writer)
                {
                    writer.WriteLine("  fm: " + message.ReplaceLineEndings("\n      "));
                }
            }
        }
    }
}
