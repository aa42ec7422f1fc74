#!/usr/bin/env bash
# The public proof of `import` (docs/IMPORT.md): for each folder given as NAME=DIR[:extra import options], on a
# throwaway PostgreSQL 15 cluster: import into a project of its own, `dotnet build` it, `up` on a fresh database, the
# schema (pg_dump --schema-only) compared with psql running the same files one session per file, then down one version
# at a time from the newest (at most WALK of them) while each down is exact, the round trip over that range, and drift.
# Usage: bash docs/import-proof.sh openfga=/tmp/import-proof/openfga nakama=/tmp/import-proof/nakama ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PGBIN:-/usr/lib/postgresql/15/bin}
walk=${WALK:-40}
work=$(mktemp -d /tmp/import-proof-run.XXXXXX)
chmod 755 "$work"; mkdir "$work/data"; chown postgres "$work" "$work/data"
port=$((20000 + RANDOM % 20000))
runuser -u postgres -- "$bin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-p $port -k $work -c listen_addresses='' -c fsync=off -c full_page_writes=off" start >/dev/null
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true' EXIT
(cd "$root" && dotnet build Migrations.Runner -v q -nologo > "$work/build.log") || { cat "$work/build.log"; exit 1; }
runner() { dotnet "$root/Migrations.Runner/bin/Debug/net10.0/Migrations.Runner.dll" "$@"; }
cs() { echo "Host=$work;Port=$port;Username=postgres;Database=$1"; }
psql_() { "$bin/psql" -X -q -h "$work" -p "$port" -U postgres "$@"; }
dump() {
  "$bin/pg_dump" --schema-only -h "$work" -p "$port" -U postgres -T '"VersionInfo"' -T '"VersionInfoChecksums"' \
    -T '"VersionInfoChecksumHistory"' "$1" | grep -v -E '^\\(un)?restrict ' > "$2"
}
seconds() { python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$1"; }

echo "| project | migrations | import | dotnet build | up (runner) | psql, one session per file | schema equal | exact downs from the newest | round trip | drift |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}; from=${rest%%:*}; extra=""; [ "$rest" != "$from" ] && extra=${rest#*:}
  out="$work/$name"; log="$work/$name.log"
  t=$(date +%s.%N)
  # shellcheck disable=SC2086
  runner import --from "$from" --output "$out" $extra --connection "$(cs postgres)" > "$log" 2>&1 \
    || { echo "| $name | import failed: $(grep -m1 '^error' "$log") |"; continue; }
  t_import=$(seconds "$t")
  t=$(date +%s.%N); dotnet build "$out" -v q -nologo >> "$log" 2>&1; t_build=$(seconds "$t")
  dll="$out/bin/Debug/net10.0/ImportedMigrations.dll"
  count=$(ls "$out"/legacy-sql/[0-9]*.sql | wc -l)
  psql_ -c "CREATE DATABASE ${name}_runner" -c "CREATE DATABASE ${name}_psql" -c "CREATE DATABASE ${name}_walk" postgres
  t=$(date +%s.%N); up_ok=yes; runner up --assembly "$dll" -c "$(cs "${name}_runner")" >> "$log" 2>&1 || up_ok=no
  t_up=$(seconds "$t"); [ "$up_ok" = yes ] || t_up="**failed** ($t_up)"
  t=$(date +%s.%N)
  for f in "$out"/legacy-sql/[0-9]*.sql; do
    # A file the tool ran inside its own transaction that holds its own COMMIT/BEGIN: psql -1 gives it that transaction.
    class=$(ls "$out"/Migrations/M*"$(basename "$f" | cut -d_ -f1 | sed 's/^0*//' | xargs printf '%04d')"_*.cs)
    one=$(python3 -c "import sys,re; print('-1' if re.search(r'void Up\(\)\s*\{\s*Execute.Sql\(\"BEGIN\"\)', open(sys.argv[1]).read()) and 'own COMMIT/BEGIN' in open(sys.argv[1]).read() else '')" "$class")
    # shellcheck disable=SC2086
    psql_ -v ON_ERROR_STOP=1 $one -f "$f" "${name}_psql" >> "$log" 2>&1 || echo "psql failed on $f" >> "$log"
  done
  t_psql=$(seconds "$t")
  dump "${name}_runner" "$work/$name.runner.sql"; dump "${name}_psql" "$work/$name.psql.sql"
  equal=$(cmp -s "$work/$name.runner.sql" "$work/$name.psql.sql" && echo "yes, byte for byte" || echo "**no**")
  # The walk: snapshots at each of the newest versions, then down one at a time while each lands on its snapshot.
  mapfile -t versions < <(seq 1 "$count")
  first=$(( count > walk ? count - walk : 0 ))
  db="$(cs "${name}_walk")"
  [ "$first" -gt 0 ] && { runner up --to "$first" --assembly "$dll" -c "$db" >> "$log" 2>&1 || true; }
  runner schema --output "$work/$name.snap.$first.json" -c "$db" >> "$log" 2>&1
  for v in "${versions[@]:$first}"; do
    runner up --to "$v" --assembly "$dll" -c "$db" >> "$log" 2>&1 || true
    runner schema --output "$work/$name.snap.$v.json" -c "$db" >> "$log" 2>&1
  done
  exact=$count
  while [ "$exact" -gt "$first" ]; do
    runner rollback --assembly "$dll" -c "$db" >> "$log" 2>&1 || break
    runner drift --against "$work/$name.snap.$((exact - 1)).json" -c "$db" >> "$log" 2>&1 || break
    exact=$((exact - 1))
  done
  # Back to the newest: the round trip over the exact range, compared with the first time.
  runner up --assembly "$dll" -c "$db" >> "$log" 2>&1 || true
  trip=$(runner drift --against "$work/$name.snap.$count.json" -c "$db" >> "$log" 2>&1 && echo "same schema" || echo "**differs**")
  # Drift on the database `up` built: the walk's database holds what an inexact down left.
  drift=$(runner drift -c "$(cs "${name}_runner")" --assembly "$dll" >> "$log" 2>&1 && echo "clean" || echo "**drift**")
  range=$([ "$exact" -eq "$count" ] && echo "none (the newest down fails or is inexact)" || echo "$((exact + 1))..$count ($((count - exact)) of $((count - first)) walked)")
  echo "| $name | $count | $t_import s | $t_build s | $t_up s | $t_psql s | $equal | $range | $trip | $drift |"
done
echo
echo "Logs and dumps: $work"
