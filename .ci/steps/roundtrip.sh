#!/usr/bin/env bash
# Workflow step "round trip", through the runner's command line on a fresh database: every migration up, nothing
# pending, no drift, every one down again, and up again; JSON answers parsed where a deploy script would read them;
# then verify, the rollback round trip of every version, with rows in every table, on a scratch database.
source "$(dirname "$0")/lib.sh"
read -r -a run <<<"${RUNNER:-$(runner_default)}"
db=$(ci_database ci_roundtrip)
export DATABASE_CONNECTION_STRING=$db DOTNET_ENVIRONMENT=CI
expect 0 "${run[@]}" up
expect 0 "${run[@]}" status --check
expect 0 "${run[@]}" validate
expect 0 "${run[@]}" drift
expect 0 "${run[@]}" down --to 0 --yes
expect 3 "${run[@]}" status --check
expect 0 "${run[@]}" up --json
pending=$("${run[@]}" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["check"]["pending"])')
[ "$pending" = 0 ] || { echo "round trip: $pending pending after the second up" >&2; exit 1; }
expect 0 "${run[@]}" verify --with-data
echo "round trip: passed"
