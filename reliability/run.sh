#!/usr/bin/env bash
# Runs the Reliability test category with the full counts and writes what it found into docs/RELIABILITY.md.
#
#   bash reliability/run.sh                                   K = 8 processes, T = 50 trials
#   RELIABILITY_PROCESSES=4 RELIABILITY_TRIALS=10 bash reliability/run.sh
#
# The plain `dotnet test Database.sln` runs the same tests with small counts. The server comes from the test fixture
# (TEST_DATABASE_CONNECTION_STRING, else Docker, else a throwaway local cluster), exactly as for the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

export RELIABILITY_PROCESSES="${RELIABILITY_PROCESSES:-8}"
export RELIABILITY_TRIALS="${RELIABILITY_TRIALS:-50}"
out="$PWD/reliability/out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
export RELIABILITY_RESULTS="$out/results.jsonl"

# This run's own temporary folder, as in .ci/run: its test clusters live there, so the clean-up stops no other run's.
run_tmp=$(mktemp -d)
chmod 755 "$run_tmp"
trap 'rm -rf "$run_tmp"' EXIT
export TMPDIR="$run_tmp"

dotnet build Database.sln -nologo -v quiet
started=$(date +%s)
status=0
dotnet test Database.sln --no-build --filter "Category=Reliability" \
  --results-directory "$out" --logger "trx;LogFileName=test.trx" --logger "console;verbosity=normal" 2>&1 | tee "$out/test.log" || status=$?
elapsed=$(( $(date +%s) - started ))

# Clusters left by a test host that did not exit cleanly must not outlive the run (as in .ci/run).
for data in "$run_tmp"/migrations-tests-*/data; do
  [ -f "$data/PG_VERSION" ] || continue
  pg_ctl=$(command -v pg_ctl || compgen -G "/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin/pg_ctl" || true)
  [ -n "$pg_ctl" ] && runuser -u postgres -- "$pg_ctl" stop -D "$data" -m immediate >/dev/null 2>&1 || true
done
unset TMPDIR

header="Run of $(date -u '+%Y-%m-%d %H:%M') UTC: K = ${RELIABILITY_PROCESSES} processes, T = ${RELIABILITY_TRIALS} trials, \
$(nproc) CPUs, $((elapsed / 60)) min $((elapsed % 60)) s for \`dotnet test --filter Category=Reliability\`."
dotnet run reliability/Render.cs -- "$RELIABILITY_RESULTS" "$out/test.trx" docs/RELIABILITY.md "$header"
# The raw figures behind the tables, kept next to the script (reliability/out/ is not committed).
cp "$RELIABILITY_RESULTS" reliability/last-run.jsonl
echo "figures: docs/RELIABILITY.md, raw: reliability/last-run.jsonl, log: $out/test.log"
exit "$status"
