# shellcheck shell=bash
# What the CI steps share: where the PostgreSQL server is (CI_PG_HOST, CI_PG_PORT, CI_PG_USER, CI_PG_PASSWORD: the
# workflow's service container, or the throwaway cluster of with-postgres.sh), and the runner to call.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

: "${CI_PG_HOST:?no server: run the step through .ci/steps/with-postgres.sh, or set CI_PG_HOST, CI_PG_PORT, CI_PG_USER}"
: "${CI_PG_PORT:=5432}" "${CI_PG_USER:=postgres}" "${CI_PG_PASSWORD:=}"

# The runner the steps call: the built Debug runner unless RUNNER names another (the tool, the bundle).
runner_default() { echo "dotnet Migrations.Runner/bin/Debug/net10.0/Migrations.Runner.dll"; }

# A fresh database named $1 on the server; prints its Npgsql connection string.
ci_database() {
  PGPASSWORD=$CI_PG_PASSWORD psql -X -q -v ON_ERROR_STOP=1 -h "$CI_PG_HOST" -p "$CI_PG_PORT" -U "$CI_PG_USER" -d postgres \
    -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" >&2
  echo "Host=$CI_PG_HOST;Port=$CI_PG_PORT;Username=$CI_PG_USER;Password=$CI_PG_PASSWORD;Database=$1"
}

# Runs "$@", failing the step with what it printed when the exit code is not $expected (default 0).
expect() {
  local expected=$1; shift
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" -ne "$expected" ]; then
    echo "FAILED (exit $rc, expected $expected): $(echo "$*" | sed -E 's/(Password=)[^;]*/\1***/g')" >&2
    echo "$out" >&2
    return 1
  fi
  echo "ok (exit $rc): $(echo "$*" | sed -E 's/(Password=)[^;]*/\1***/g')"
}
