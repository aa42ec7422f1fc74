namespace Migrations.Runner.Schema.Generation;

/// <summary>
/// Dependents PostgreSQL records by object (pg_depend) that the changed object's own definition does not show: a
/// default, check, index, generated column, domain check, aggregate, rule or statistics object over a function that is
/// dropped and created again; a function whose arguments are of a type created again; columns of a domain whose base
/// type changes. The snapshot reads every expression through the server (pg_get_expr, pg_get_constraintdef,
/// pg_get_indexdef, pg_get_functiondef, format_type) with only pg_catalog on the search path, so every user object in
/// them is printed schema-qualified: a dependency shows as the qualified name. A mention that is not a dependency (a
/// name in a string) only rebuilds one more object; a dependency pg_depend records without a name in any definition the
/// snapshot holds goes through objects it does not read (casts, operators).
/// </summary>
internal sealed partial class ScriptPlan
{
    // Domains (qualified) whose base type or collation changes: created again under the same name, their columns converted.
    private readonly HashSet<string> _recreatedDomains = new(StringComparer.Ordinal);
    // Columns ("schema.table.column") dropped and added again: a generated column whose expression cannot be changed in
    // place, or whose expression calls a function that is dropped.
    private readonly HashSet<string> _recreatedColumns = new(StringComparer.Ordinal);

    private IEnumerable<string> RecreatedTypes => _recreatedEnums.Concat(_recreatedDomains);

    private bool IsRecreatedType(string type) =>
        _recreatedEnums.Contains(ElementType(type)) || _recreatedDomains.Contains(ElementType(type));

    private void RecreatedDomains()
    {
        foreach (var (old, current) in Pair(From.Domains, To.Domains, d => d.QualifiedName))
        {
            if (old is not null && current is not null && (old.BaseType != current.BaseType || old.Collation != current.Collation))
            {
                _recreatedDomains.Add(old.QualifiedName);
            }
        }
    }

    private void RecreatedColumns()
    {
        var after = To.Tables.ToDictionary(t => t.QualifiedName, StringComparer.Ordinal);
        foreach (var table in From.Tables.Where(t => !_droppedTables.Contains(t.QualifiedName)))
        {
            if (!after.TryGetValue(table.QualifiedName, out var current))
            {
                continue;
            }

            var columns = current.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
            foreach (var old in table.Columns)
            {
                if (!columns.TryGetValue(old.Name, out var column) || column.Generated is not { } expression)
                {
                    continue;
                }

                // SET EXPRESSION (PostgreSQL 17) changes a stored expression in place, but not one whose function goes first.
                var inPlace = old.Generated is not null && !column.Virtual && To.ServerVersion >= 170000;
                if ((old.Generated != expression && !inPlace) || (old.Generated is { } was && DroppedFunctionMentioned(was)))
                {
                    _recreatedColumns.Add($"{table.QualifiedName}.{old.Name}");
                    _reshapedTables.Add(table.QualifiedName);
                }
            }
        }
    }

    /// <summary>
    /// Functions whose SQL-standard body (RETURN, BEGIN ATOMIC: parsed when created, so the server records what it calls)
    /// calls a function that is dropped, until none is added: a body in a string is looked up when it runs instead.
    /// </summary>
    private void CallersOfDroppedFunctions()
    {
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var f in From.Functions.Where(f => IsStandardBody(f) && !_droppedFunctions.Contains(f.Signature)))
            {
                if (Calls(f, From.Functions.Where(g => _droppedFunctions.Contains(g.Signature))))
                {
                    grew = _droppedFunctions.Add(f.Signature);
                }
            }
        }
    }

    private static bool IsStandardBody(FunctionInfo f) =>
        f.Language == "sql" && !f.Definition.Contains(" AS $", StringComparison.Ordinal)
        && !f.Definition.Contains(" AS '", StringComparison.Ordinal);

    // Another function's name followed by "(": an overload of its own name cannot be told from its own header.
    private static bool Calls(FunctionInfo f, IEnumerable<FunctionInfo> others) =>
        others.Any(g => (g.Schema, g.Name) != (f.Schema, f.Name)
            && (f.Definition.Contains(Sql.Name(g.Schema, g.Name) + "(", StringComparison.Ordinal)
                || f.Definition.Contains($"{g.Schema}.{g.Name}(", StringComparison.Ordinal)));

    /// <summary>Functions after the functions their SQL-standard bodies call.</summary>
    private static List<FunctionInfo> FunctionOrder(SchemaSnapshot snapshot)
    {
        var done = new List<FunctionInfo>();
        var left = snapshot.Functions.ToList();
        while (left.Count > 0)
        {
            var ready = left.Where(f => !IsStandardBody(f) || !Calls(f, left)).ToList();
            if (ready.Count == 0)
            {
                ready = [left[0]];
            }

            done.AddRange(ready);
            left.RemoveAll(ready.Contains);
        }

        return done;
    }

    private bool IsRecreatedColumn(string schema, string table, string column) =>
        _recreatedColumns.Contains($"{schema}.{table}.{column}");

    /// <summary>An index over a column dropped and added again, or over a function dropped: it goes first and comes back.</summary>
    private bool IndexRebuilt(IndexInfo index)
    {
        if (DroppedFunctionMentioned(index.Definition))
        {
            return true;
        }

        var prefix = $"{index.Schema}.{index.Table}.";
        return _recreatedColumns.Any(c => c.StartsWith(prefix, StringComparison.Ordinal)
            && MentionsWord(index.Definition[index.Definition.IndexOf(" ON ", StringComparison.Ordinal)..], Sql.Ident(c[prefix.Length..])));
    }

    /// <summary>A constraint over a column dropped and added again, or calling a function dropped.</summary>
    private bool ConstraintRebuilt(string table, ConstraintInfo constraint) =>
        DroppedFunctionMentioned(constraint.Definition)
        || constraint.Columns.Any(c => _recreatedColumns.Contains($"{table}.{c}"));

    private static bool MentionsWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            var end = at + word.Length;
            var before = at == 0 || !(char.IsLetterOrDigit(text[at - 1]) || text[at - 1] is '_' or '$' or '.' or '"');
            if (before && (end >= text.Length || !(char.IsLetterOrDigit(text[end]) || text[end] is '_' or '$')))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A domain's defaults and checks, set once the functions they may call exist (a function taking the domain needs
    /// the domain first, so the two cannot come in one statement); dropped before any function goes.
    /// </summary>
    private void DomainRules(DomainInfo? old, DomainInfo current)
    {
        var name = Sql.Name(current.Schema, current.Name);
        var fresh = old is null || _recreatedDomains.Contains(old.QualifiedName);
        var oldDefault = fresh ? null : old!.Default;
        if (oldDefault != current.Default || (oldDefault is { } d && DroppedFunctionMentioned(d)))
        {
            if (oldDefault is not null)
            {
                Emit(Phase.DropDefaults, $"ALTER DOMAIN {name} DROP DEFAULT");
            }

            if (current.Default is { } value)
            {
                Emit(Phase.DomainRules, $"ALTER DOMAIN {name} SET DEFAULT {value}");
            }
        }

        ValueList<DomainCheck> oldChecks = fresh ? [] : old!.Checks;
        bool Gone(DomainCheck check) => !current.Checks.Contains(check) || DroppedFunctionMentioned(check.Definition);
        foreach (var check in oldChecks.Where(Gone))
        {
            Emit(Phase.DropConstraints, $"ALTER DOMAIN {name} DROP CONSTRAINT {Sql.Ident(check.Name)}");
        }

        foreach (var check in current.Checks.Where(c => !oldChecks.Contains(c) || Gone(c)))
        {
            Emit(Phase.DomainRules, $"ALTER DOMAIN {name} ADD CONSTRAINT {Sql.Ident(check.Name)} {check.Definition}");
        }
    }

    /// <summary>A domain whose base type or collation changes: created again under its name, and every column converted.</summary>
    private void RecreateDomain(DomainInfo old, DomainInfo current, string create)
    {
        var name = Sql.Name(current.Schema, current.Name);
        var rename = $"ALTER DOMAIN {name} RENAME TO {Sql.Ident(current.Name + "__old")}";
        if (Widens(old.BaseType, current.BaseType) && old.Collation == current.Collation)
        {
            Emit(Phase.CreateTypes, rename);
        }
        else
        {
            Destroy(Phase.CreateTypes, rename, $"domain {old.QualifiedName} changes type {old.BaseType} -> {current.BaseType}: "
                + "it is created again and its columns converted; values that do not fit fail or are cut");
        }

        Emit(Phase.CreateTypes, create);
        Fresh($"DOMAIN {name}");
        ConvertColumns(old.QualifiedName, name, through: null);

        Emit(Phase.ConvertColumns, $"DROP DOMAIN {Sql.Name(current.Schema, current.Name + "__old")}");
    }
}
