using System.Data;
using System.Globalization;
using System.Text;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Runner.Generators.Postgres;
using FluentMigrator.Runner.Processors;
using FluentMigrator.Runner.Processors.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Migrations.Authoring;

namespace Migrations.Runner.Execution;

/// <summary>
/// FluentMigrator's expressions turned into SQL by its own PostgreSQL 15 generator, then either sent on the runner's
/// session (<see cref="ISqlChannel"/>), in the transaction the runner opened, or only collected (preview, checksums).
/// Without a channel it answers no schema questions, as FluentMigrator's connectionless processor does.
/// </summary>
internal sealed class SqlProcessor : ProcessorBase
{
    private readonly ISqlChannel? _channel;
    private readonly bool _execute;
    private readonly TextWriter? _verbose;
    private readonly List<string> _statements = [];
    private readonly List<string> _pending = [];

    private SqlProcessor(ISqlChannel? channel, bool execute, TextWriter? verbose)
        : base(
            new Postgres15_0Generator(new PostgresQuoter(new PostgresOptions())),
            NullLogger.Instance,
            new ProcessorOptions { PreviewOnly = !execute })
    {
        _channel = channel;
        _execute = execute;
        _verbose = verbose;
    }

    /// <summary>Sends every statement on <paramref name="channel"/>.</summary>
    public static SqlProcessor Executing(ISqlChannel channel, TextWriter? verbose) => new(channel, execute: true, verbose);

    /// <summary>Collects statements; answers schema questions from <paramref name="channel"/> when there is one.</summary>
    public static SqlProcessor Collecting(ISqlChannel? channel = null, TextWriter? verbose = null) => new(channel, execute: false, verbose);

    public override string DatabaseType => ProcessorIdConstants.PostgreSQL15_0;

    public override IList<string> DatabaseTypeAliases { get; } = [ProcessorIdConstants.PostgreSQL15_0, ProcessorIdConstants.PostgreSQL];

    /// <summary>What was generated since <see cref="Clear"/>, in order, empty statements included (they count in checksums).</summary>
    public IReadOnlyList<string> Statements => _statements;

    public void Clear()
    {
        _statements.Clear();
        _pending.Clear();
    }

    /// <summary>
    /// Holds statements back until <see cref="Flush"/>, which sends them as one command: one round trip for a whole
    /// migration and its bookkeeping (and its COMMIT), where sending each would cost a round trip apiece.
    /// </summary>
    public bool Pipelining { get; set; }

    /// <summary>Sends the held-back statements, followed by COMMIT when <paramref name="commit"/>, in one round trip.</summary>
    public void Flush(bool commit = false)
    {
        if (commit)
        {
            _pending.Add("COMMIT");
        }

        if (_pending.Count == 0)
        {
            return;
        }

        var text = Script(_pending);
        _pending.Clear();
        Send(text);
    }

    /// <summary>Takes the held-back statements, to send with others.</summary>
    public IReadOnlyList<string> TakePending()
    {
        var taken = _pending.ToArray();
        _pending.Clear();
        return taken;
    }

    /// <summary>Statements as one multi-statement command text.</summary>
    public static string Script(IEnumerable<string> statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var text = new StringBuilder();
        foreach (var sql in statements)
        {
            // A statement may lack its semicolon; the newline ends a trailing line comment either way.
            text.Append(sql).Append(SqlLexer.EndsWithSemicolon(sql) ? "\n" : "\n;\n");
        }

        return text.ToString();
    }

    /// <summary>Runs before a schema question, so that it sees what was held back elsewhere.</summary>
    public Action? BeforeQuestion { get; set; }

    // FluentMigrator's base escapes braces for string.Format; the statement is final here.
    public override void Execute(string sql) => Process(sql);

    public override void Execute(string template, params object[] args) =>
        Process(string.Format(CultureInfo.InvariantCulture, template, args));

    protected override void Process(string sql)
    {
        _statements.Add(sql);
        _verbose?.WriteLine("  sql: " + sql.ReplaceLineEndings("\n       "));
        if (!_execute || string.IsNullOrEmpty(sql))
        {
            return;
        }

        if (Pipelining)
        {
            _pending.Add(sql);
            return;
        }

        SendEach(sql);
    }

    /// <summary>
    /// Outside a transaction, each statement of a script goes as a command of its own, as psql sends it: a
    /// multi-statement command is one implicit transaction, which CREATE INDEX CONCURRENTLY refuses and which would
    /// hold a script's own BEGIN and COMMIT inside it.
    /// </summary>
    public void SendEach(string sql)
    {
        foreach (var statement in SqlLexer.Split(sql))
        {
            if (statement.HasCode)
            {
                Send(statement.Text);
            }
        }
    }

    /// <summary>The text of the last command sent or being sent: what a failure's position counts in.</summary>
    public string? LastSent { get; private set; }

    public override void Process(PerformDBOperationExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        _verbose?.WriteLine("  sql: (a database operation written in C#"
            + (string.IsNullOrEmpty(expression.Description) ? "" : ": " + expression.Description)
            + ")");
        if (_execute && _channel is not null)
        {
            Flush();
            _channel.Perform((connection, transaction) => expression.Operation?.Invoke(connection, transaction));
        }
    }

    public override bool SchemaExists(string schemaName) =>
        Query("SELECT 1 FROM information_schema.schemata WHERE schema_name = @p0", Schema(schemaName));

    public override bool TableExists(string schemaName, string tableName) =>
        Query("SELECT 1 FROM information_schema.tables WHERE table_schema = @p0 AND table_name = @p1", Schema(schemaName), Name(tableName));

    public override bool ColumnExists(string schemaName, string tableName, string columnName) =>
        Query(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = @p0 AND table_name = @p1 AND column_name = @p2",
            Schema(schemaName),
            Name(tableName),
            Name(columnName));

    public override bool ConstraintExists(string schemaName, string tableName, string constraintName) =>
        Query(
            "SELECT 1 FROM information_schema.table_constraints WHERE constraint_catalog = current_catalog "
            + "AND table_schema = @p0 AND table_name = @p1 AND constraint_name = @p2",
            Schema(schemaName),
            Name(tableName),
            Name(constraintName));

    public override bool IndexExists(string schemaName, string tableName, string indexName) =>
        Query(
            "SELECT 1 FROM pg_catalog.pg_indexes WHERE schemaname = @p0 AND tablename = @p1 AND indexname = @p2",
            Schema(schemaName),
            Name(tableName),
            Name(indexName));

    public override bool SequenceExists(string schemaName, string sequenceName) =>
        Query(
            "SELECT 1 FROM information_schema.sequences WHERE sequence_catalog = current_catalog "
            + "AND sequence_schema = @p0 AND sequence_name = @p1",
            Schema(schemaName),
            Name(sequenceName));

    public override bool DefaultValueExists(string schemaName, string tableName, string columnName, object defaultValue) =>
        Query(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = @p0 AND table_name = @p1 AND column_name = @p2 "
            + "AND column_default LIKE @p3",
            Schema(schemaName),
            Name(tableName),
            Name(columnName),
            $"%{defaultValue}%");

    public override bool Exists(string template, params object[] args) =>
        Query(string.Format(CultureInfo.InvariantCulture, template, args));

    public override DataSet ReadTableData(string schemaName, string tableName) =>
        Read("SELECT * FROM {0}", new PostgresQuoter(new PostgresOptions()).QuoteTableName(tableName, schemaName));

    public override DataSet Read(string template, params object[] args) =>
        Answering().Read(string.Format(CultureInfo.InvariantCulture, template, args));

    protected override void Dispose(bool isDisposing)
    {
        // The connection belongs to the caller.
    }

    private static string Schema(string? name) => string.IsNullOrEmpty(name) ? "public" : Name(name);

    private static string Name(string name) =>
        name.Length > 1 && name[0] == '"' && name[^1] == '"' ? name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : name;

    private bool Query(string sql, params object[] values) => Answering().Exists(sql, values);

    private void Send(string sql)
    {
        LastSent = sql;
        _channel!.Execute(sql);
    }

    // Questions come in order with the statements before them.
    private ISqlChannel Answering()
    {
        if (_channel is null)
        {
            throw new SchemaQuestionWithoutConnectionException();
        }

        BeforeQuestion?.Invoke();
        if (_execute)
        {
            Flush();
        }

        return _channel;
    }
}

/// <summary>A migration asked about the schema where there is no database to answer: while its checksum was computed.</summary>
public sealed class SchemaQuestionWithoutConnectionException : InvalidOperationException
{
    public SchemaQuestionWithoutConnectionException()
        : base("this migration asks the database about its schema while it is being built, which needs a connection")
    {
    }

    public SchemaQuestionWithoutConnectionException(string message)
        : base(message)
    {
    }

    public SchemaQuestionWithoutConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
