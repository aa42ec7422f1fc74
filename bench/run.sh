#!/usr/bin/env bash
# Times the runner against psql on a throwaway local PostgreSQL (fsync on, default settings) and writes the table
# into docs/PERFORMANCE.md.
#   bash bench/run.sh                 N = 100, 500 and 2000, 3 trials each, on the installed server
#   BENCH_SIZES="100 500" BENCH_TRIALS=5 bash bench/run.sh
#   BENCH_POSTGRES_VERSIONS="15 18" BENCH_SIZES=500 bash bench/run.sh
#                                     up and the no-ops on each version (.ci/install-postgres), side by side, in the
#                                     versions table of docs/PERFORMANCE.md (no round trip, no drift)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sizes=${BENCH_SIZES:-"100 500 2000"}
# The second generated set (bench/generate.sh's "steps" shape), timed beside the first in the main table.
steps_sizes=${BENCH_STEPS_SIZES:-"500"}
trials=${BENCH_TRIALS:-3}
versions=${BENCH_POSTGRES_VERSIONS:-}
out="$root/bench/out"
mkdir -p "$out"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# One cluster per version, all running at once: the trials alternate between them, so drift in the machine's load
# spreads over every version as it does over every contender.
declare -A bins ports clusters servers
cleanup() {
  for v in "${!clusters[@]}"; do
    as_postgres "${bins[$v]}/pg_ctl" stop -D "${clusters[$v]}/data" -m immediate >/dev/null 2>&1 || true
    rm -rf "${clusters[$v]}"
  done
}
trap cleanup EXIT
start_cluster() {
  local v=$1 bin=$2 cluster port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cluster=$(mktemp -d /tmp/bench-pg-XXXXXX)
  bins[$v]=$bin ports[$v]=$port clusters[$v]=$cluster
  chmod 755 "$cluster"
  [ "$(id -u)" = 0 ] && chown postgres "$cluster"
  as_postgres "$bin/initdb" -D "$cluster/data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
  as_postgres "$bin/pg_ctl" start -w -D "$cluster/data" -l "$cluster/log" \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" >/dev/null
  servers[$v]=$("$bin/postgres" --version)
  echo "${servers[$v]} on port $port"
}
for version in ${versions:-default}; do
  if [ "$version" = default ]; then
    start_cluster default "$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
  else
    start_cluster "$version" "$(bash .ci/install-postgres "$version")"
  fi
done
first=${versions:-default}
port=${ports[${first%% *}]}
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "building the runner (Release, and a ReadyToRun publish)..."
dotnet build Migrations.Runner -c Release -nologo -v quiet >/dev/null
dotnet publish Migrations.Runner -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$out/runner-r2r" -nologo -v quiet >/dev/null
runner_jit=(dotnet "$root/Migrations.Runner/bin/Release/net10.0/Migrations.Runner.dll")
runner_r2r=(dotnet "$out/runner-r2r/Migrations.Runner.dll")
# The deploy (README, The runner): the runtime in the image too, one version bubble, so the generic code the
# framework-dependent image cannot hold is compiled ahead as well. -p:Composite=true gives it its own obj and bin folders.
runner_composite=("$out/runner-composite/Migrations.Runner")
contenders=(psql_each psql_one runner r2r)
if [ -z "$versions" ]; then
  echo "publishing the self-contained composite runner..."
  dotnet publish Migrations.Runner -c Release -r linux-x64 -p:Composite=true -o "$out/runner-composite" -nologo -v quiet >/dev/null
  contenders+=(composite)
fi

now() { date +%s%N; }
declare -A samples
record() { samples["$1"]+="$2 "; }
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# A fixed piece of CPU work, timed before the trials, and the share of CPU time the hypervisor took (steal) over the
# run: machines of the same kind have run this bench twice as slow from one day to the next, so figures of different
# runs compare only through these.
probe() {
  local runs="" start
  for _ in 1 2 3; do start=$(now); python3 -c 'sum(range(3 * 10**7))'; runs+="$(( ($(now) - start) / 1000000 )) "; done
  median "$runs"
}
cpu_counters() { head -1 /proc/stat | awk '{ t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t }'; }
probe_ms=$(probe)
read -r steal_start total_start < <(cpu_counters)
machine() {
  local steal total
  read -r steal total < <(cpu_counters)
  echo "CPU probe (python3 \`sum(range(3 * 10**7))\`, median of 3) $(awk -v ms="$probe_ms" 'BEGIN { printf "%.2f s", ms / 1000 }'), \
steal $(( 100 * (steal - steal_start) / (total - total_start + 1) ))% over the run, load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the end"
}
# CHECKPOINT: every contender starts with no dirty buffers left by the one before, and the server's next timed
# checkpoint (checkpoint_timeout, 5 minutes) lands in none of the runs that follow.
fresh() { psql_ -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench" -c "CHECKPOINT"; }
timed() { local key=$1; shift; local start; start=$(now); "$@" >/dev/null; record "$key" $(( ($(now) - start) / 1000000 )); }

# A set is n<N> (the "tables" shape) or steps-n<N>; the versions table has the first shape only.
sets=""
for n in $sizes; do sets+=" n$n"; done
if [ -z "$versions" ] && [ "$steps_sizes" != 0 ]; then
  for n in $steps_sizes; do sets+=" steps-n$n"; done
fi
for set in $sets; do
  work="$out/$set"
  n=${set##*n}
  shape=tables
  [ "${set%%-*}" = steps ] && shape=steps
  echo "N = $n ($shape): generating and building the migrations..."
  bash bench/generate.sh "$n" "$work" "$shape"
  dotnet build "$work/Bench.Migrations/Bench.Migrations.csproj" -c Release -nologo -v quiet >/dev/null
done
label() { case $1 in steps-n*) echo "${1#steps-n} (steps)" ;; *) echo "${1#n}" ;; esac; }

# Each version on a cluster of its own, one after the other; with no versions asked for, the installed server.
for set in $sets; do
  work="$out/$set"
  n=$set
  [ -n "$versions" ] && n=${set#n}
  assembly="$work/Bench.Migrations/bin/Release/net10.0/Bench.Migrations.dll"
  for ((trial = 1; trial <= trials; trial++)); do
    echo "  N = $n, trial $trial/$trials"
    # Contenders (and versions) alternate their order from trial to trial, so drift in the machine's load spreads over
    # all of them.
    order=("${contenders[@]}")
    [ $((trial % 2)) = 0 ] && order=($(printf '%s\n' "${contenders[@]}" | tac))
    in_order=(${versions:-default})
    [ $((trial % 2)) = 0 ] && in_order=($(printf '%s\n' "${in_order[@]}" | tac))
    for v in "${in_order[@]}"; do
    export PGPORT=${ports[$v]}
    cs="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=bench"
    for contender in "${order[@]}"; do
      fresh
      case $contender in
        psql_each)
          timed "$v $n up psql_each" psql_ -d bench -f "$work/up.each.sql"
          timed "$v $n down psql_each" psql_ -d bench -f "$work/down.each.sql" ;;
        psql_one)
          timed "$v $n up psql_one" psql_ -d bench -1 -f "$work/up.all.sql"
          timed "$v $n down psql_one" psql_ -d bench -1 -f "$work/down.all.sql" ;;
        runner|r2r|composite)
          case $contender in
            runner) r=("${runner_jit[@]}") ;;
            r2r) r=("${runner_r2r[@]}") ;;
            composite) r=("${runner_composite[@]}") ;;
          esac
          timed "$v $n up $contender" "${r[@]}" up --assembly "$assembly" -c "$cs"
          timed "$v $n status $contender" "${r[@]}" status --assembly "$assembly" -c "$cs"
          timed "$v $n noop-up $contender" "${r[@]}" up --assembly "$assembly" -c "$cs"
          timed "$v $n down $contender" "${r[@]}" down --to 0 --assembly "$assembly" -c "$cs" ;;
      esac
    done
    done
  done
done
export PGPORT=$port

# The rollback round trip (verify: up, down and up again at every version, on a scratch database it creates) against
# up + down of the same set, timed in the same trials, with the ReadyToRun runner.
roundtrip_sizes=${BENCH_ROUNDTRIP_N:-"500 2000"}
[ "$roundtrip_sizes" = 0 ] && roundtrip_sizes=""
roundtrip_sets=""
for n in $roundtrip_sizes; do roundtrip_sets+=" n$n"; done
[ -n "$roundtrip_sizes" ] && for set in $sets; do [ "${set%%-*}" = steps ] && roundtrip_sets+=" $set"; done
roundtrip_done=""
if [ -z "$versions" ]; then
  for n in $roundtrip_sets; do
    dll="$out/$n/Bench.Migrations/bin/Release/net10.0/Bench.Migrations.dll"
    [ -f "$dll" ] || continue
    roundtrip_done+=" $n"
    cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=bench"
    for ((trial = 1; trial <= trials; trial++)); do
      echo "  round trip, N = $(label "$n"), trial $trial/$trials"
      fresh
      start=$(now)
      "${runner_r2r[@]}" up --assembly "$dll" -c "$cs" >/dev/null
      "${runner_r2r[@]}" down --to 0 --assembly "$dll" -c "$cs" >/dev/null
      record "rt $n updown" $(( ($(now) - start) / 1000000 ))
      timed "rt $n verify" "${runner_r2r[@]}" verify --assembly "$dll" -c "$cs"
    done
  done
fi

# Drift's cost against pg_dump: two databases of T tables each (built by psql from generated SQL), compared by the
# runner (snapshot one to a file, then drift --against it on the other) and by pg_dump --schema-only of both + diff.
drift_tables=${BENCH_DRIFT_TABLES:-1000}
drift=""
if [ -z "$versions" ] && [ "$drift_tables" != 0 ]; then
  echo "drift on $drift_tables tables..."
  bash bench/generate.sh $((drift_tables * 5 + 1)) "$out/drift" >/dev/null
  for db in drift_a drift_b; do
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    psql_ -d "$db" -1 -f "$out/drift/up.all.sql" >/dev/null
  done
  for ((trial = 1; trial <= trials; trial++)); do
    start=$(now)
    "${runner_r2r[@]}" schema --output "$out/drift_a.json" -c "Host=127.0.0.1;Port=$port;Username=postgres;Database=drift_a" >/dev/null
    "${runner_r2r[@]}" drift --against "$out/drift_a.json" -c "Host=127.0.0.1;Port=$port;Username=postgres;Database=drift_b" >/dev/null
    record "drift runner" $(( ($(now) - start) / 1000000 ))
    start=$(now)
    pg_dump --schema-only -d drift_a > "$out/drift_a.sql"
    pg_dump --schema-only -d drift_b > "$out/drift_b.sql"
    # pg_dump 15.18 writes a random \restrict key into every dump, so the files always differ: time the diff, not its answer.
    diff "$out/drift_a.sql" "$out/drift_b.sql" >/dev/null || true
    record "drift pg_dump" $(( ($(now) - start) / 1000000 ))
  done
  drift="$(median "${samples["drift runner"]}") $(median "${samples["drift pg_dump"]}")"
fi

seconds() { awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
# A ratio is the median of the trials' own ratios, not a ratio of medians: the two contenders of a trial ran within
# seconds of each other, so a machine that speeds up or slows down between trials moves both sides of it.
ratio() {
  local each
  each=$(paste -d ' ' <(tr ' ' '\n' <<<"$1" | grep -v '^$') <(tr ' ' '\n' <<<"$2" | grep -v '^$') | awk '{ printf "%s ", $1 / $2 }')
  awk -v r="$(median "$each")" 'BEGIN { printf "%.2f×", r }'
}
if [ -n "$versions" ]; then
  header="| N | operation |" rule="|---|---|" facts=""
  for v in $versions; do
    header+=" $v: psql each | $v: runner (build) | $v: runner (R2R) | $v: R2R / psql each |"
    rule+="---|---|---|---|"
    facts+="${facts:+; }${servers[$v]}"
  done
  table="$header
$rule"
  for n in $sizes; do
    row="| $n | up |"
    for v in $versions; do
      e=$(median "${samples["$v $n up psql_each"]}"); j=$(median "${samples["$v $n up runner"]}"); r=$(median "${samples["$v $n up r2r"]}")
      row+=" $(seconds "$e") | $(seconds "$j") | $(seconds "$r") | $(ratio "${samples["$v $n up r2r"]}" "${samples["$v $n up psql_each"]}") |"
    done
    table+="
$row"
    for op in status noop-up; do
      row="| $n | no-op \`${op#noop-}\` |"
      for v in $versions; do
        j=$(median "${samples["$v $n $op runner"]}"); r=$(median "${samples["$v $n $op r2r"]}")
        row+=" | $(seconds "$j") | $(seconds "$r") | |"
      done
      table+="
$row"
    done
  done
  echo "$table"
  facts="Run of $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GiB, .NET SDK \
$(dotnet --version); $facts; BENCH_SIZES=\"$sizes\" BENCH_TRIALS=$trials; medians of $trials trials; fsync on, default server settings; \
$(machine)."
  {
    sed '/<!-- bench-versions:begin/,$d' docs/PERFORMANCE.md
    echo "<!-- bench-versions:begin (written by bench/run.sh with BENCH_POSTGRES_VERSIONS; do not edit by hand) -->"
    echo
    echo "$facts"
    echo
    echo "$table"
    echo
    echo "<!-- bench-versions:end -->"
    sed '1,/<!-- bench-versions:end/d' docs/PERFORMANCE.md
  } > "$out/PERFORMANCE.md"
  mv "$out/PERFORMANCE.md" docs/PERFORMANCE.md
  echo "written: docs/PERFORMANCE.md"
  exit 0
fi
v=default
table="| N | operation | psql, each file in BEGIN/COMMIT, one session | psql -1, one file | runner (build) | runner (ReadyToRun publish) \
| runner (self-contained composite publish) | runner / psql each (build, R2R, composite) |
|---|---|---|---|---|---|---|---|"
for n in $sets; do
  for op in up down; do
    e=$(median "${samples["$v $n $op psql_each"]}"); o=$(median "${samples["$v $n $op psql_one"]}")
    j=$(median "${samples["$v $n $op runner"]}"); r=$(median "${samples["$v $n $op r2r"]}")
    c=$(median "${samples["$v $n $op composite"]}")
    table+="
| $(label "$n") | $op | $(seconds "$e") | $(seconds "$o") | $(seconds "$j") | $(seconds "$r") | $(seconds "$c") \
| $(ratio "${samples["$v $n $op runner"]}" "${samples["$v $n $op psql_each"]}"), \
$(ratio "${samples["$v $n $op r2r"]}" "${samples["$v $n $op psql_each"]}"), \
$(ratio "${samples["$v $n $op composite"]}" "${samples["$v $n $op psql_each"]}") |"
  done
  for op in status noop-up; do
    j=$(median "${samples["$v $n $op runner"]}"); r=$(median "${samples["$v $n $op r2r"]}")
    c=$(median "${samples["$v $n $op composite"]}")
    table+="
| $(label "$n") | no-op \`${op#noop-}\` | | | $(seconds "$j") | $(seconds "$r") | $(seconds "$c") | |"
  done
done
if [ -n "$roundtrip_done" ]; then
  table+="

Rollback round trip (\`verify\`, ReadyToRun: up, down, up again at every version, on a scratch database, with its creation) against \`up\` + \`down --to 0\` of the same set in the same trials:

| N | \`verify\` | \`up\` + \`down\` | verify / (up + down) | verify per version |
|---|---|---|---|---|"
  for n in $roundtrip_done; do
    rv=$(median "${samples["rt $n verify"]}"); ud=$(median "${samples["rt $n updown"]}")
    table+="
| $(label "$n") | $(seconds "$rv") | $(seconds "$ud") | $(ratio "${samples["rt $n verify"]}" "${samples["rt $n updown"]}") | $(awk -v ms="$rv" -v n="${n##*n}" 'BEGIN { printf "%.1f ms", ms / n }') |"
  done
fi
if [ -n "$drift" ]; then
  read -r drift_runner drift_dump <<<"$drift"
  table+="

Comparing two databases of $drift_tables tables (each with its columns, keys, indexes, trigger and view): runner \`schema --output\` + \`drift --against\` (ReadyToRun) $(seconds "$drift_runner"); \`pg_dump --schema-only\` of both + \`diff\` $(seconds "$drift_dump") (medians of $trials)."
fi
echo "$table"

facts="Run of $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GiB, \
${servers[default]}, .NET SDK $(dotnet --version); medians of $trials trials; fsync on, default server settings; $(machine)."
{
  sed '/<!-- bench:begin/,$d' docs/PERFORMANCE.md
  echo "<!-- bench:begin (written by bench/run.sh; do not edit by hand) -->"
  echo
  echo "$facts"
  echo
  echo "$table"
  echo
  echo "<!-- bench:end -->"
  sed '1,/<!-- bench:end/d' docs/PERFORMANCE.md
} > "$out/PERFORMANCE.md"
mv "$out/PERFORMANCE.md" docs/PERFORMANCE.md
echo "written: docs/PERFORMANCE.md"
