namespace Migrations.Runner.Schema.Generation;

/// <summary>Owners and grants, when both snapshots were read with privileges.</summary>
internal sealed partial class ScriptPlan
{
    private static readonly Dictionary<char, string> PrivilegeNames = new()
    {
        ['r'] = "SELECT", ['a'] = "INSERT", ['w'] = "UPDATE", ['d'] = "DELETE", ['D'] = "TRUNCATE", ['x'] = "REFERENCES",
        ['t'] = "TRIGGER", ['X'] = "EXECUTE", ['U'] = "USAGE", ['C'] = "CREATE", ['c'] = "CONNECT", ['T'] = "TEMPORARY",
        ['m'] = "MAINTAIN",
    };

    private void Grants()
    {
        var before = Privileged(From).GroupBy(p => p.Target).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (kind, target, privileges, owns) in Privileged(To))
        {
            // An object the script creates again starts from the default privileges, whatever it had before.
            var old = _fresh.Contains($"{kind} {target}") ? default : before.GetValueOrDefault(target);
            if (owns && old.Privileges?.Owner != privileges.Owner)
            {
                Emit(Phase.Privileges, $"ALTER {kind} {target} OWNER TO {Sql.Ident(privileges.Owner)}");
            }

            var was = Items(old.Privileges?.Grants);
            var now = Items(privileges.Grants);
            foreach (var grantee in was.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
            {
                var from = was.GetValueOrDefault(grantee, "");
                var to = now.GetValueOrDefault(grantee, "");
                if (from == to && old.Privileges is not null)
                {
                    continue;
                }

                var role = grantee.Length == 0 ? "PUBLIC" : Sql.Ident(grantee);
                var on = kind == "COLUMN" ? target : $"{GrantWord(kind)} {target}";
                Emit(Phase.Privileges, kind == "COLUMN"
                    ? $"REVOKE ALL {on} FROM {role}"
                    : $"REVOKE ALL ON {on} FROM {role}");
                foreach (var (names, option) in Split(to))
                {
                    var grant = kind == "COLUMN" ? ColumnGrant(names, target) : $"{names} ON {on}";
                    Emit(Phase.Privileges, $"GRANT {grant} TO {role}{(option ? " WITH GRANT OPTION" : "")}");
                }
            }
        }
    }

    // "(email) ON TABLE public.users" with "SELECT, UPDATE": each privilege names the column.
    private static string ColumnGrant(string names, string target)
    {
        var on = target.IndexOf(") ON ", StringComparison.Ordinal) + 1;
        return string.Join(", ", names.Split(", ").Select(n => $"{n} {target[..on]}")) + target[on..];
    }

    private static string GrantWord(string kind) => kind switch
    {
        "VIEW" or "MATERIALIZED VIEW" => "TABLE",
        "TYPE" or "DOMAIN" => "TYPE",
        _ => kind,
    };

    // "alice=arw*/bob" by grantee ("" for PUBLIC): the letters granted.
    private static Dictionary<string, string> Items(IEnumerable<string>? grants)
    {
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in grants ?? [])
        {
            var equals = item.LastIndexOf('=', item.LastIndexOf('/'));
            var grantee = item[..equals].Trim('"');
            items[grantee] = items.GetValueOrDefault(grantee, "") + item[(equals + 1)..item.LastIndexOf('/')];
        }

        return items;
    }

    private static IEnumerable<(string Names, bool Option)> Split(string letters)
    {
        var plain = new List<string>();
        var withOption = new List<string>();
        for (var i = 0; i < letters.Length; i++)
        {
            var option = i + 1 < letters.Length && letters[i + 1] == '*';
            if (PrivilegeNames.TryGetValue(letters[i], out var name))
            {
                (option ? withOption : plain).Add(name);
            }
        }

        return new[] { (plain, false), (withOption, true) }.Where(p => p.Item1.Count > 0)
            .Select(p => (string.Join(", ", p.Item1), p.Item2));
    }

    private static IEnumerable<(string Kind, string Target, PrivilegeInfo Privileges, bool Owns)> Privileged(SchemaSnapshot s)
    {
        IEnumerable<(string, string, PrivilegeInfo, bool)> Of(string kind, string target, PrivilegeInfo? p) =>
            p is null ? [] : [(kind, target, p, true)];

        return s.Schemas.SelectMany(n => Of("SCHEMA", Sql.Ident(n.Name), n.Privileges))
            .Concat(s.Enums.SelectMany(e => Of("TYPE", Sql.Name(e.Schema, e.Name), e.Privileges)))
            .Concat(s.Domains.SelectMany(d => Of("DOMAIN", Sql.Name(d.Schema, d.Name), d.Privileges)))
            .Concat(s.CompositeTypes.SelectMany(c => Of("TYPE", Sql.Name(c.Schema, c.Name), c.Privileges)))
            .Concat(s.Sequences.SelectMany(q => Of("SEQUENCE", Sql.Name(q.Schema, q.Name), q.Privileges)))
            .Concat(s.Tables.SelectMany(t => Of("TABLE", Sql.Name(t.Schema, t.Name), t.Privileges)))
            .Concat(s.Views.SelectMany(v => Of(ViewWord(v), Sql.Name(v.Schema, v.Name), v.Privileges)))
            .Concat(s.Functions.SelectMany(f => Of(KindWord(f), $"{Sql.Name(f.Schema, f.Name)}({f.ArgumentTypes})", f.Privileges)))
            .Concat(s.Tables.SelectMany(t => t.Columns.Where(c => c.Grants is not null).Select(c => (
                "COLUMN", $"({Sql.Ident(c.Name)}) ON TABLE {Sql.Name(t.Schema, t.Name)}", new PrivilegeInfo("", c.Grants!), false))));
    }
}
