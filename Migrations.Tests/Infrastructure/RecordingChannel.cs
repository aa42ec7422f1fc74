using System.Data;
using System.Globalization;
using System.Text.RegularExpressions;
using Migrations.Runner.Execution;

namespace Migrations.Tests.Infrastructure;

/// <summary>
/// A migration session that runs nothing and records what the pipeline sends, in order: batches (by the versions their
/// bookkeeping records), single commands, transactions, schema questions and C# operations.
/// </summary>
internal sealed partial class RecordingChannel : ISqlChannel
{
    public List<string> Log { get; } = [];

    /// <summary>The versions of each batch sent, in order.</summary>
    public List<long[]> Batches { get; } = [];

    /// <summary>A batch holding this version fails at it: the markers before it land, then the command throws.</summary>
    public long? FailAt { get; init; }

    public void Execute(string sql) => Log.Add("execute " + sql.Trim());

    public void SendBatch(string script, string markerColumn, BatchTrailer? trailer, Action<int, DateTime> onMarker)
    {
        ArgumentNullException.ThrowIfNull(onMarker);
        var versions = Versions(script);
        Batches.Add(versions);
        Log.Add("batch " + string.Join(",", versions));
        var at = DateTime.UtcNow;
        onMarker(-1, at);
        for (var i = 0; i < versions.Length; i++)
        {
            if (versions[i] == FailAt)
            {
                throw new InvalidOperationException($"migration {versions[i]} fails on purpose");
            }

            onMarker(i, at.AddMilliseconds(i + 1));
        }
    }

    public void Begin() => Log.Add("begin");

    public void EndTransaction() => Log.Add("end");

    public void RollBackQuietly() => Log.Add("rollback");

    public void Cancel() => Log.Add("cancel");

    public bool InTransactionBlock()
    {
        Log.Add("in transaction?");
        return false;
    }

    public bool Exists(string sql, IReadOnlyList<object> values)
    {
        Log.Add("question");
        return false;
    }

    public DataSet Read(string sql)
    {
        Log.Add("read");
        return new DataSet { Locale = CultureInfo.InvariantCulture };
    }

    public void Perform(Action<IDbConnection, IDbTransaction?> operation) => Log.Add("perform");

    // The bookkeeping of each migration in a batch inserts (or deletes) its VersionInfo row, naming its version.
    private static long[] Versions(string script) =>
        [.. VersionRow().Matches(script).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct()];

    [GeneratedRegex("""(?:VALUES \(|"Version" = )(\d+)""")]
    private static partial Regex VersionRow();
}
