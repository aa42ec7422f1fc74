namespace Migrations.Runner.Schema.Generation;

/// <summary>
/// What must be dropped and created again although it did not change itself, because something it depends on changes
/// in a way PostgreSQL refuses under a dependent (a view over a column whose type changes, a trigger on a function that
/// is dropped, a foreign key onto a unique index that moves). The snapshot keeps no dependency graph, so dependents are
/// found by the qualified names the server's own definitions print.
/// </summary>
internal sealed partial class ScriptPlan
{
    // Tables whose columns are dropped or change type: views, policies and rules over them are rebuilt.
    private readonly HashSet<string> _reshapedTables = new(StringComparer.Ordinal);
    // Tables whose keys or unique indexes are dropped or changed: foreign keys onto them are rebuilt.
    private readonly HashSet<string> _rekeyedTables = new(StringComparer.Ordinal);
    // Functions (by signature) dropped, or dropped to be created again.
    private readonly HashSet<string> _droppedFunctions = new(StringComparer.Ordinal);
    // Enums (qualified) created again under the same name, their columns converted.
    private readonly HashSet<string> _recreatedEnums = new(StringComparer.Ordinal);
    // Views (qualified) of the from side that are dropped, with those created again.
    private readonly HashSet<string> _droppedViews = new(StringComparer.Ordinal);
    private readonly HashSet<string> _droppedTriggers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _droppedPolicies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _droppedTables = new(StringComparer.Ordinal);

    private void ComputeRebuilds()
    {
        foreach (var (old, current) in Pair(From.Tables, To.Tables, t => t.QualifiedName))
        {
            if (old is null)
            {
                continue;
            }

            if (current is null || old.Kind != current.Kind)
            {
                _droppedTables.Add(old.QualifiedName);
                continue;
            }

            var after = current.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
            if (old.Columns.Any(c => !after.TryGetValue(c.Name, out var n) || n.Type != c.Type || n.Collation != c.Collation
                || n.Generated != c.Generated || n.Virtual != c.Virtual))
            {
                _reshapedTables.Add(old.QualifiedName);
            }

            var keys = current.Constraints.Where(IsKey).ToDictionary(c => c.Name, c => c.Definition, StringComparer.Ordinal);
            if (old.Constraints.Where(IsKey).Any(c => keys.GetValueOrDefault(c.Name) != c.Definition))
            {
                _rekeyedTables.Add(old.QualifiedName);
            }
        }

        var newIndexes = To.Indexes.ToDictionary(i => i.QualifiedName, i => i.Definition, StringComparer.Ordinal);
        foreach (var index in From.Indexes.Where(i => i.Definition.StartsWith("CREATE UNIQUE", StringComparison.Ordinal)))
        {
            if (newIndexes.GetValueOrDefault(index.QualifiedName) != index.Definition)
            {
                _rekeyedTables.Add($"{index.Schema}.{index.Table}");
            }
        }

        foreach (var (old, current) in Pair(From.Enums, To.Enums, e => e.QualifiedName))
        {
            if (old is not null && current is not null && !IsSubsequence(old.Labels, current.Labels))
            {
                _recreatedEnums.Add(old.QualifiedName);
            }
        }

        RecreatedDomains();
        foreach (var table in From.Tables.Where(t => t.Columns.Any(c => IsRecreatedType(c.Type))))
        {
            _reshapedTables.Add(table.QualifiedName);
        }

        foreach (var (old, current) in Pair(From.Functions, To.Functions, f => f.Signature))
        {
            if (old is not null && (current is null || !Replaceable(old, current)
                || RecreatedTypes.Any(t => MentionsQualified(old.Definition, t))))
            {
                _droppedFunctions.Add(old.Signature);
            }
        }

        CallersOfDroppedFunctions();
        RecreatedColumns();
        ViewRebuilds();
        foreach (var trigger in From.Triggers)
        {
            var current = To.Triggers.FirstOrDefault(t => t.QualifiedName == trigger.QualifiedName);
            var relation = $"{trigger.Schema}.{trigger.Table}";
            if (_droppedTables.Contains(relation))
            {
                continue;
            }

            if (current is null || current.Definition != trigger.Definition || _droppedViews.Contains(relation)
                || DroppedFunctionMentioned(trigger.Definition))
            {
                _droppedTriggers.Add(trigger.QualifiedName);
            }
        }

        foreach (var policy in From.Policies.Where(p => !_droppedTables.Contains($"{p.Schema}.{p.Table}")))
        {
            var current = To.Policies.FirstOrDefault(p => p.QualifiedName == policy.QualifiedName);
            if (current != policy with { Comment = current?.Comment } || _reshapedTables.Contains($"{policy.Schema}.{policy.Table}")
                || DroppedFunctionMentioned((policy.Using ?? "") + (policy.WithCheck ?? "")))
            {
                _droppedPolicies.Add(policy.QualifiedName);
            }
        }
    }

    private void ViewRebuilds()
    {
        var after = To.Views.ToDictionary(v => v.QualifiedName, StringComparer.Ordinal);
        foreach (var view in From.Views)
        {
            if (!after.TryGetValue(view.QualifiedName, out var current) || current.Definition != view.Definition
                || current.Materialized != view.Materialized
                || !current.Columns.Select(c => (c.Name, c.Type)).SequenceEqual(view.Columns.Select(c => (c.Name, c.Type)))
                || _reshapedTables.Concat(_droppedTables).Any(t => MentionsQualified(view.Definition, t))
                || RecreatedTypes.Any(e => MentionsQualified(view.Definition, e) || view.Columns.Any(c => ElementType(c.Type) == e))
                || DroppedFunctionMentioned(view.Definition))
            {
                _droppedViews.Add(view.QualifiedName);
            }
        }

        // A view over a dropped view is dropped too, until nothing more is added.
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var view in From.Views.Where(v => !_droppedViews.Contains(v.QualifiedName)))
            {
                if (_droppedViews.Any(d => MentionsQualified(view.Definition, d)))
                {
                    grew = _droppedViews.Add(view.QualifiedName);
                }
            }
        }
    }

    private static bool IsKey(ConstraintInfo c) => c.Kind is ConstraintKind.PrimaryKey or ConstraintKind.Unique;

    private static bool IsSubsequence(ValueList<string> old, ValueList<string> current)
    {
        var next = 0;
        foreach (var label in current)
        {
            if (next < old.Count && old[next] == label)
            {
                next++;
            }
            else if (old.Contains(label))
            {
                return false;
            }
        }

        return next == old.Count;
    }

    // CREATE OR REPLACE keeps a function's identity only when its result, argument names and defaults and kind stay.
    private static bool Replaceable(FunctionInfo old, FunctionInfo current) =>
        old.Kind == current.Kind && old.Result == current.Result && old.Arguments == current.Arguments;

    private bool DroppedFunctionMentioned(string text) =>
        From.Functions.Any(f => _droppedFunctions.Contains(f.Signature)
            && (text.Contains(Sql.Name(f.Schema, f.Name) + "(", StringComparison.Ordinal)
                || text.Contains($"{f.Schema}.{f.Name}(", StringComparison.Ordinal)));

    private static bool MentionsQualified(string text, string qualified)
    {
        var (schema, name) = Sql.SplitName(qualified);
        return Mentions(text, schema, name);
    }

    // The name followed by something that cannot continue it, so public.users does not match public.users_archive.
    private static bool Mentions(string text, string schema, string name)
    {
        foreach (var candidate in new[] { Sql.Name(schema, name), $"{schema}.{name}" })
        {
            for (var at = text.IndexOf(candidate, StringComparison.Ordinal); at >= 0;
                at = text.IndexOf(candidate, at + 1, StringComparison.Ordinal))
            {
                var end = at + candidate.Length;
                if (end >= text.Length || !(char.IsLetterOrDigit(text[end]) || text[end] is '_' or '$'))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>"public.mood" for a column of type public.mood or public.mood[].</summary>
    private static string ElementType(string type) => type.EndsWith("[]", StringComparison.Ordinal) ? type[..^2] : type;
}
