namespace Migrations.Runner.Schema.Generation;

/// <summary>Functions, views, triggers, row-level security and policies.</summary>
internal sealed partial class ScriptPlan
{
    private void Functions()
    {
        var created = false;
        // A function whose SQL-standard body calls another goes before it and comes after it.
        foreach (var old in Enumerable.Reverse(FunctionOrder(From)).Where(f => _droppedFunctions.Contains(f.Signature)))
        {
            Emit(Phase.DropFunctions, $"DROP {KindWord(old)} {Sql.Name(old.Schema, old.Name)}({old.ArgumentTypes})");
        }

        var before = From.Functions.ToDictionary(f => f.Signature, StringComparer.Ordinal);
        foreach (var current in FunctionOrder(To))
        {
            var old = before.GetValueOrDefault(current.Signature);
            var dropped = old is not null && _droppedFunctions.Contains(old.Signature);
            if (!dropped && old is not null && old.Definition == current.Definition)
            {
                continue;
            }

            // A function over a type that does not exist yet (a new table's row type) waits for the tables.
            var late = To.Tables.Select(t => (t.Schema, t.Name)).Concat(To.Views.Select(v => (v.Schema, v.Name)))
                .Where(r => From.Tables.All(t => (t.Schema, t.Name) != r) && From.Views.All(v => (v.Schema, v.Name) != r))
                .Any(r => Mentions((current.Result ?? "") + " " + current.ArgumentTypes, r.Schema, r.Name));
            created = true;
            Emit(late ? Phase.LateFunctions : Phase.CreateFunctions, current.Definition);
            if (dropped || old is null)
            {
                Fresh($"{KindWord(current)} {Sql.Name(current.Schema, current.Name)}({current.ArgumentTypes})");
            }
        }

        if (created)
        {
            // As pg_dump does: a function body is checked when it runs, not before the objects it uses exist.
            Emit(Phase.AddLabels, "SET check_function_bodies = false");
        }
    }

    private static string KindWord(FunctionInfo f) => f.Kind == FunctionKind.Procedure ? "PROCEDURE" : "FUNCTION";

    private void Views()
    {
        foreach (var view in Enumerable.Reverse(ViewOrder(From)).Where(v => _droppedViews.Contains(v.QualifiedName)))
        {
            Emit(Phase.DropViews, $"DROP {ViewWord(view)} {Sql.Name(view.Schema, view.Name)}");
        }

        var before = From.Views.ToDictionary(v => v.QualifiedName, StringComparer.Ordinal);
        foreach (var view in ViewOrder(To))
        {
            var name = Sql.Name(view.Schema, view.Name);
            if (before.TryGetValue(view.QualifiedName, out var old) && !_droppedViews.Contains(view.QualifiedName))
            {
                if (!old.Options.Equals(view.Options))
                {
                    var keys = view.Options.Select(o => o.Split('=')[0]).ToHashSet(StringComparer.Ordinal);
                    var reset = old.Options.Select(o => o.Split('=')[0]).Where(k => !keys.Contains(k)).ToList();
                    if (reset.Count > 0)
                    {
                        Emit(Phase.CreateViews, $"ALTER {ViewWord(view)} {name} RESET ({string.Join(", ", reset)})");
                    }

                    if (view.Options.Count > 0)
                    {
                        Emit(Phase.CreateViews, $"ALTER {ViewWord(view)} {name} SET ({string.Join(", ", view.Options)})");
                    }
                }

                continue;
            }

            var options = view.Options.Count > 0 ? $" WITH ({string.Join(", ", view.Options)})" : "";
            var query = view.Definition.TrimEnd().TrimEnd(';');
            Emit(Phase.CreateViews, $"CREATE {ViewWord(view)} {name}{options} AS\n{query}" + (view.Materialized ? "\nWITH DATA" : ""));
            Fresh($"{ViewWord(view)} {name}");
            foreach (var column in view.Columns)
            {
                Fresh($"COLUMN {name}.{Sql.Ident(column.Name)}");
                if (column.Default is { } value)
                {
                    Emit(Phase.CreateViews, $"ALTER VIEW {name} ALTER COLUMN {Sql.Ident(column.Name)} SET DEFAULT {value}");
                }
            }
        }
    }

    private static string ViewWord(ViewInfo view) => view.Materialized ? "MATERIALIZED VIEW" : "VIEW";

    /// <summary>Views after the views they select from.</summary>
    private static List<ViewInfo> ViewOrder(SchemaSnapshot snapshot)
    {
        var done = new List<ViewInfo>();
        var left = snapshot.Views.ToList();
        while (left.Count > 0)
        {
            var ready = left.Where(v => !left.Any(o => o != v && Mentions(v.Definition, o.Schema, o.Name))).ToList();
            if (ready.Count == 0)
            {
                ready = [left[0]];
            }

            done.AddRange(ready);
            left.RemoveAll(ready.Contains);
        }

        return done;
    }

    private void Triggers()
    {
        foreach (var trigger in From.Triggers.Where(t => _droppedTriggers.Contains(t.QualifiedName)))
        {
            Emit(Phase.DropTriggers, $"DROP TRIGGER {Sql.Ident(trigger.Name)} ON {Sql.Name(trigger.Schema, trigger.Table)}");
        }

        var before = From.Triggers.ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        foreach (var trigger in To.Triggers)
        {
            var relation = Sql.Name(trigger.Schema, trigger.Table);
            var fresh = !before.TryGetValue(trigger.QualifiedName, out var old) || _droppedTriggers.Contains(trigger.QualifiedName)
                || _droppedTables.Contains($"{trigger.Schema}.{trigger.Table}");
            if (fresh)
            {
                Emit(Phase.CreateTriggers, trigger.Definition);
                Fresh($"TRIGGER {Sql.Ident(trigger.Name)} ON {relation}");
            }

            if ((fresh && trigger.State != TriggerState.Enabled) || (!fresh && old!.State != trigger.State))
            {
                var state = trigger.State switch
                {
                    TriggerState.Disabled => "DISABLE",
                    TriggerState.Replica => "ENABLE REPLICA",
                    TriggerState.Always => "ENABLE ALWAYS",
                    _ => "ENABLE",
                };
                Emit(Phase.CreateTriggers, $"ALTER TABLE {relation} {state} TRIGGER {Sql.Ident(trigger.Name)}");
            }
        }
    }

    private void Policies()
    {
        var before = From.Tables.ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        foreach (var table in To.Tables)
        {
            var name = Sql.Name(table.Schema, table.Name);
            var old = _droppedTables.Contains(table.QualifiedName) ? null : before.GetValueOrDefault(table.QualifiedName);
            if ((old?.RowSecurity ?? false) != table.RowSecurity)
            {
                Emit(Phase.Security, $"ALTER TABLE {name} {(table.RowSecurity ? "ENABLE" : "DISABLE")} ROW LEVEL SECURITY");
            }

            if ((old?.ForceRowSecurity ?? false) != table.ForceRowSecurity)
            {
                Emit(Phase.Security, $"ALTER TABLE {name} {(table.ForceRowSecurity ? "" : "NO ")}FORCE ROW LEVEL SECURITY");
            }

            if (old?.ReplicaIdentity != table.ReplicaIdentity)
            {
                var identity = table.ReplicaIdentity?.ToUpperInvariant() ?? "DEFAULT";
                if (identity.StartsWith("USING INDEX ", StringComparison.Ordinal))
                {
                    identity = "USING INDEX " + table.ReplicaIdentity!["using index ".Length..];
                }

                Emit(Phase.Security, $"ALTER TABLE {name} REPLICA IDENTITY {identity}");
            }
        }

        foreach (var policy in From.Policies.Where(p => _droppedPolicies.Contains(p.QualifiedName)))
        {
            Emit(Phase.DropPolicies, $"DROP POLICY {Sql.Ident(policy.Name)} ON {Sql.Name(policy.Schema, policy.Table)}");
        }

        var existing = From.Policies.Select(p => p.QualifiedName).ToHashSet(StringComparer.Ordinal);
        foreach (var policy in To.Policies)
        {
            if (existing.Contains(policy.QualifiedName) && !_droppedPolicies.Contains(policy.QualifiedName)
                && !_droppedTables.Contains($"{policy.Schema}.{policy.Table}"))
            {
                continue;
            }

            var relation = Sql.Name(policy.Schema, policy.Table);
            var roles = string.Join(", ", policy.Roles.Select(r => r == "public" ? "PUBLIC" : Sql.Ident(r)));
            var text = $"CREATE POLICY {Sql.Ident(policy.Name)} ON {relation} AS {(policy.Permissive ? "PERMISSIVE" : "RESTRICTIVE")}"
                + $" FOR {policy.Command} TO {roles}"
                + (policy.Using is { } u ? $" USING ({u})" : "") + (policy.WithCheck is { } c ? $" WITH CHECK ({c})" : "");
            Emit(Phase.Security, text);
            Fresh($"POLICY {Sql.Ident(policy.Name)} ON {relation}");
        }
    }
}
