using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Conventions;
using Microsoft.Extensions.Logging.Abstractions;
using Migrations.Runner.Catalog;

namespace Migrations.Runner.Execution;

/// <summary>
/// Turns one migration's Up or Down into statements on a <see cref="SqlProcessor"/>, the way FluentMigrator's runner
/// does (its expressions, its default conventions and validation, its generator) without the runner: no container,
/// scope, logging or version loader per migration, which cost a run of hundreds of migrations more than PostgreSQL's
/// own work. Transactions and bookkeeping are the caller's.
/// </summary>
internal sealed class ExpressionBuilder
{
    private readonly MigrationCatalog _catalog;

    private readonly IConventionSet _conventions;
    private readonly MigrationValidator _validator;
    private readonly string? _connectionString;

    /// <param name="catalog">The set: its scripts, and its conventions (the assembly's own, else FluentMigrator's default).</param>
    /// <param name="connectionString">What a migration reads as <c>ConnectionString</c>, as under FluentMigrator's runner.</param>
    public ExpressionBuilder(MigrationCatalog catalog, string? connectionString = null)
    {
        _catalog = catalog;
        _conventions = catalog.Context.Conventions;
        _connectionString = connectionString;
        _validator = new(NullLogger<MigrationValidator>.Instance, _conventions);
    }

    /// <summary>Builds the migration's expressions (schema questions go to the processor) and runs them on it.</summary>
    /// <exception cref="FluentMigrator.Runner.Exceptions.InvalidMigrationException">
    /// An expression is incomplete (FluentMigrator's validation).
    /// </exception>
    public void Apply(IMigration migration, bool up, SqlProcessor processor) => Execute(Build(migration, up, processor), processor);

    /// <summary>The migration's expressions, with FluentMigrator's conventions applied and validated.</summary>
    /// <exception cref="FluentMigrator.Runner.Exceptions.InvalidMigrationException">
    /// An expression is incomplete (FluentMigrator's validation).
    /// </exception>
    public ICollection<IMigrationExpression> Build(IMigration migration, bool up, SqlProcessor processor, bool validate = true)
    {
        var context = new MigrationContext(processor, NoServices.Instance, _connectionString);
        if (!ScriptOnlyMigrations.TryCollect(migration, up, context))
        {
            if (up)
            {
                migration.GetUpExpressions(context);
            }
            else
            {
                migration.GetDownExpressions(context);
            }
        }

        ResolveEmbeddedScripts(context);
        if (validate)
        {
            _validator.ApplyConventionsToAndValidateExpressions(migration, context.Expressions);
        }
        else
        {
            // As the validator does: conventions change expressions in place, and what they return is not kept.
            foreach (var _ in context.Expressions.Apply(_conventions))
            {
            }
        }

        return context.Expressions;
    }

    public static void Execute(IEnumerable<IMigrationExpression> expressions, SqlProcessor processor)
    {
        foreach (var expression in expressions)
        {
            expression.ExecuteWith(processor);
        }
    }

    /// <summary>
    /// The statements the migration's Up or Down generates, sent nowhere. Not validated: checksums need the SQL, and an
    /// invalid expression is reported when its migration runs.
    /// </summary>
    public IReadOnlyList<string> Generate(IMigration migration, bool up, SqlProcessor collecting)
    {
        collecting.Clear();
        Execute(Build(migration, up, collecting, validate: false), collecting);
        return [.. collecting.Statements];
    }

    // FluentMigrator resolves each embedded script by scanning every resource of every assembly: quadratic in their
    // number. The same SQL, parameters and token replacement, from an index built once.
    private void ResolveEmbeddedScripts(MigrationContext context)
    {
        if (!context.Expressions.Any(e => e is ExecuteEmbeddedSqlScriptExpression))
        {
            return;
        }

        var expressions = context.Expressions.ToList();
        context.Expressions.Clear();
        foreach (var expression in expressions)
        {
            context.Expressions.Add(expression is ExecuteEmbeddedSqlScriptExpression script
                ? Resolved(script, _catalog.Scripts.Read(script.SqlScript))
                : expression);
        }
    }

    // An empty or blank script runs as nothing, as under FluentMigrator's runner and psql; as a statement expression
    // it would fail FluentMigrator's validation ("The sql statement cannot be null or an empty string").
    private static IMigrationExpression Resolved(ExecuteEmbeddedSqlScriptExpression script, string text) =>
        string.IsNullOrWhiteSpace(text)
            ? new EmptyScriptExpression(text)
            : new ExecuteSqlStatementExpression
            {
                SqlStatement = text,
                Parameters = script.Parameters,
                Description = "embedded script " + script.SqlScript,
            };

    private sealed class EmptyScriptExpression(string text) : MigrationExpressionBase
    {
        public override void ExecuteWith(IMigrationProcessor processor)
        {
            ArgumentNullException.ThrowIfNull(processor);
            processor.Execute(text);
        }
    }

    // Execute.EmbeddedScript asks the context for resource providers; the index above stands in for them.
    private sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object? GetService(Type serviceType) =>
            serviceType == typeof(IEnumerable<IEmbeddedResourceProvider>) ? Array.Empty<IEmbeddedResourceProvider>() : null;
    }
}
