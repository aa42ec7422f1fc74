using System.Data;

namespace Migrations.Runner.Execution;

/// <summary>
/// A query the pipeline sends inside each pipelined migration's transaction, after its bookkeeping. The rows of the
/// result set whose first column is named <paramref name="Column"/> go to <paramref name="Read"/> as they arrive; they
/// belong to a migration only once it is known to have landed.
/// </summary>
internal sealed record BatchTrailer(string Sql, string Column, Action<IDataReader> Read);
