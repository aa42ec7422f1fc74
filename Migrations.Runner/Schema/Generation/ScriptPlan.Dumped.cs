namespace Migrations.Runner.Schema.Generation;

/// <summary>Collations, aggregates, text search, rules, extended statistics, publications and default privileges.</summary>
internal sealed partial class ScriptPlan
{
    private void DumpedObjects()
    {
        Simple(From.Collations, To.Collations, c => c.QualifiedName, (a, b) => a.Definition != b.Definition, c => c.Definition,
            Phase.CreateExtensions, Phase.DropTypes, c => $"DROP COLLATION {Sql.Name(c.Schema, c.Name)}",
            c => $"COLLATION {Sql.Name(c.Schema, c.Name)}");
        Simple(From.Aggregates, To.Aggregates, a => a.Signature,
            (a, b) => a.Definition != b.Definition || DroppedFunctionMentioned(a.Definition), a => a.Definition,
            Phase.CreateAggregates, Phase.DropAggregates, a => $"DROP AGGREGATE {Sql.Name(a.Schema, a.Name)}({a.ArgumentTypes})",
            AggregateTarget);

        // Configurations dropped first and templates last; created the other way round.
        var order = new[] { TextSearchKind.Configuration, TextSearchKind.Dictionary, TextSearchKind.Parser, TextSearchKind.Template };
        static bool Changed(TextSearchInfo a, TextSearchInfo b) => a.Definition != b.Definition || !a.Mappings.Equals(b.Mappings);
        foreach (var kind in order)
        {
            foreach (var (old, current) in Pair(From.TextSearch.Where(t => t.Kind == kind), To.TextSearch.Where(t => t.Kind == kind),
                t => t.QualifiedName))
            {
                if (old is not null && (current is null || Changed(old, current)))
                {
                    Emit(Phase.DropFunctions, $"DROP {TextSearchTarget(old)}");
                }
            }
        }

        foreach (var kind in order.Reverse())
        {
            foreach (var (old, current) in Pair(From.TextSearch.Where(t => t.Kind == kind), To.TextSearch.Where(t => t.Kind == kind),
                t => t.QualifiedName))
            {
                if (current is not null && (old is null || Changed(old, current)))
                {
                    TextSearchCreate(current);
                }
            }
        }

        Rules();
        bool StatisticsChanged(StatisticsInfo a, StatisticsInfo b) =>
            a.Definition != b.Definition || DroppedFunctionMentioned(a.Definition);
        Simple(From.Statistics, To.Statistics, x => x.QualifiedName, StatisticsChanged, x => x.Definition,
            Phase.AddIndexes, Phase.DropIndexes, x => $"DROP STATISTICS {Sql.Name(x.Schema, x.Name)}",
            x => $"STATISTICS {Sql.Name(x.Schema, x.Name)}");
        foreach (var (old, current) in Pair(From.Statistics, To.Statistics, x => x.QualifiedName))
        {
            var recreated = old is null || current is null || StatisticsChanged(old, current);
            if (current is not null && (recreated ? current.Target is not null : old!.Target != current.Target))
            {
                Emit(Phase.AddIndexes, $"ALTER STATISTICS {Sql.Name(current.Schema, current.Name)} SET STATISTICS {current.Target ?? -1}");
            }
        }

        Simple(From.Publications, To.Publications, p => p.Name, (a, b) => a with { Comment = null } != b with { Comment = null },
            Publication, Phase.Security, Phase.DropPolicies, p => $"DROP PUBLICATION {Sql.Ident(p.Name)}",
            p => $"PUBLICATION {Sql.Ident(p.Name)}");
        DefaultPrivileges();
    }

    /// <summary>
    /// An object created from its definition, dropped when gone, and dropped and created again when it changes.
    /// </summary>
    private void Simple<T>(
        IEnumerable<T> from, IEnumerable<T> to, Func<T, string> key, Func<T, T, bool> changed, Func<T, string> createSql,
        Phase create, Phase drop, Func<T, string> dropSql, Func<T, string> target)
        where T : class
    {
        foreach (var (old, current) in Pair(from, to, key))
        {
            var differs = old is not null && current is not null && changed(old, current);
            if (old is not null && (current is null || differs))
            {
                Emit(drop, dropSql(old));
            }

            if (current is not null && (old is null || differs))
            {
                Emit(create, createSql(current));
                Fresh(target(current));
            }
        }
    }

    private static string AggregateTarget(AggregateInfo a) => $"AGGREGATE {Sql.Name(a.Schema, a.Name)}({a.ArgumentTypes})";

    private static string TextSearchTarget(TextSearchInfo t) =>
        $"TEXT SEARCH {t.Kind.ToString().ToUpperInvariant()} {Sql.Name(t.Schema, t.Name)}";

    private void TextSearchCreate(TextSearchInfo t)
    {
        Emit(Phase.CreateTextSearch, t.Definition);
        Fresh(TextSearchTarget(t));
        foreach (var mapping in t.Mappings)
        {
            var with = mapping.IndexOf(" WITH ", StringComparison.Ordinal);
            Emit(Phase.CreateTextSearch, $"ALTER {TextSearchTarget(t)} ADD MAPPING FOR {mapping[..with]}{mapping[with..]}");
        }
    }

    private static string Publication(PublicationInfo p)
    {
        // One TABLE before the whole list: PostgreSQL 14 knows no second TABLE (nor TABLES IN SCHEMA, new in 15).
        var lists = new[]
        {
            p.Tables.Count == 0 ? null : "TABLE " + string.Join(", ", p.Tables),
            p.Schemas.Count == 0 ? null : "TABLES IN SCHEMA " + string.Join(", ", p.Schemas),
        };
        var what = p.AllTables ? " FOR ALL TABLES"
            : p.Tables.Count + p.Schemas.Count == 0 ? ""
            : " FOR " + string.Join(", ", lists.OfType<string>());
        return $"CREATE PUBLICATION {Sql.Ident(p.Name)}{what} WITH (publish = {Sql.Literal(p.Actions)}, "
            + $"publish_via_partition_root = {(p.ViaRoot ? "true" : "false")})";
    }

    private void Rules()
    {
        var after = To.Rules.ToDictionary(r => r.QualifiedName, StringComparer.Ordinal);
        var rebuilt = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in From.Rules.Where(r => !_droppedTables.Contains($"{r.Schema}.{r.Table}")))
        {
            if (!after.TryGetValue(rule.QualifiedName, out var now) || now.Definition != rule.Definition
                || _reshapedTables.Contains($"{rule.Schema}.{rule.Table}") || _droppedViews.Contains($"{rule.Schema}.{rule.Table}")
                || DroppedFunctionMentioned(rule.Definition))
            {
                Emit(Phase.DropTriggers, $"DROP RULE {Sql.Ident(rule.Name)} ON {Sql.Name(rule.Schema, rule.Table)}");
                rebuilt.Add(rule.QualifiedName);
            }
        }

        var before = From.Rules.ToDictionary(r => r.QualifiedName, StringComparer.Ordinal);
        foreach (var rule in To.Rules)
        {
            var relation = Sql.Name(rule.Schema, rule.Table);
            var fresh = !before.TryGetValue(rule.QualifiedName, out var old) || rebuilt.Contains(rule.QualifiedName)
                || _droppedTables.Contains($"{rule.Schema}.{rule.Table}");
            if (fresh)
            {
                Emit(Phase.CreateTriggers, rule.Definition.TrimEnd().TrimEnd(';'));
                Fresh($"RULE {Sql.Ident(rule.Name)} ON {relation}");
            }

            if ((fresh && rule.Enabled != "O") || (!fresh && old!.Enabled != rule.Enabled))
            {
                var state = rule.Enabled switch { "D" => "DISABLE", "R" => "ENABLE REPLICA", "A" => "ENABLE ALWAYS", _ => "ENABLE" };
                Emit(Phase.CreateTriggers, $"ALTER TABLE {relation} {state} RULE {Sql.Ident(rule.Name)}");
            }
        }
    }

    private void DefaultPrivileges()
    {
        foreach (var (old, current) in Pair(From.DefaultPrivileges, To.DefaultPrivileges, d => d.Key))
        {
            var any = (old ?? current)!;
            var was = Items(old?.Grants);
            var now = Items(current?.Grants);
            if (old is not null && current is not null && old.Grants.Equals(current.Grants))
            {
                continue;
            }

            // Without a row, a role's defaults in any schema are the built-in ones: every privilege to itself, and EXECUTE
            // on functions and USAGE on types to PUBLIC. A row holds the whole list.
            if (any.Schema is null)
            {
                foreach (var side in new[] { old is null ? was : null, current is null ? now : null }.OfType<Dictionary<string, string>>())
                {
                    side[any.Role] = AllPrivileges(any.ObjectType);
                    if (any.ObjectType is "FUNCTIONS" or "TYPES")
                    {
                        side[""] = any.ObjectType == "FUNCTIONS" ? "X" : "U";
                    }
                }
            }

            var prefix = $"ALTER DEFAULT PRIVILEGES FOR ROLE {Sql.Ident(any.Role)}"
                + (any.Schema is { } s ? $" IN SCHEMA {Sql.Ident(s)}" : "");
            foreach (var grantee in was.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
            {
                var to = now.GetValueOrDefault(grantee, "");
                if (was.GetValueOrDefault(grantee, "") == to)
                {
                    continue;
                }

                var role = grantee.Length == 0 ? "PUBLIC" : Sql.Ident(grantee);
                Emit(Phase.Privileges, $"{prefix} REVOKE ALL ON {any.ObjectType} FROM {role}");
                foreach (var (names, option) in Split(to))
                {
                    Emit(Phase.Privileges, $"{prefix} GRANT {names} ON {any.ObjectType} TO {role}{(option ? " WITH GRANT OPTION" : "")}");
                }
            }
        }
    }

    private static string AllPrivileges(string objectType) => objectType switch
    {
        "TABLES" => "arwdDxtm",
        "SEQUENCES" => "rwU",
        "FUNCTIONS" => "X",
        "TYPES" => "U",
        _ => "UC",
    };

    private static IEnumerable<(string Target, string? Comment)> DumpedCommentTargets(SchemaSnapshot s) =>
        s.Collations.Select(c => ($"COLLATION {Sql.Name(c.Schema, c.Name)}", c.Comment))
            .Concat(s.Aggregates.Select(a => (AggregateTarget(a), a.Comment)))
            .Concat(s.TextSearch.Select(t => (TextSearchTarget(t), t.Comment)))
            .Concat(s.Rules.Select(r => ($"RULE {Sql.Ident(r.Name)} ON {Sql.Name(r.Schema, r.Table)}", r.Comment)))
            .Concat(s.Statistics.Select(x => ($"STATISTICS {Sql.Name(x.Schema, x.Name)}", x.Comment)))
            .Concat(s.Publications.Select(p => ($"PUBLICATION {Sql.Ident(p.Name)}", p.Comment)));
}
