#!/usr/bin/env bash
# Workflow step "deploy": publishes the runner as README's deploy line does (-p:Composite=true: self-contained, the
# runtime and the runner in one composite ReadyToRun image), runs it with no .NET at hand (dotnet off PATH, an empty
# environment) through a round trip on a fresh database, then checks that a framework-dependent publish from the same
# tree afterwards still starts (the composite keeps its own obj and bin folders). Prints its size and a no-op status's
# start-up (docs/PERFORMANCE.md).
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet publish Migrations.Runner -c Release -r linux-x64 -p:Composite=true -o "$work/runner" -v quiet -nologo
[ -f "$work/runner/Migrations.Runner.r2r.dll" ] || { echo "deploy: no composite image published:" >&2; ls "$work/runner" >&2; exit 1; }

db=$(ci_database ci_deploy)
bare() { env -i HOME="$work" PATH=/nonexistent "$work/runner/Migrations.Runner" "$@"; }
expect 0 bare --help
expect 0 bare up -c "$db"
expect 0 bare status --check -c "$db"
expect 0 bare rollback -c "$db"
expect 3 bare status --check -c "$db"
expect 0 bare up -c "$db"
expect 0 bare down --to 0 -c "$db"
expect 0 bare up -c "$db"

dotnet publish Migrations.Runner -c Release -r linux-x64 -o "$work/runner-fd" -v quiet -nologo
expect 0 dotnet "$work/runner-fd/Migrations.Runner.dll" status -c "$db"

size=$(du -sm "$work/runner" | cut -f1)
start=$(date +%s%N)
for _ in 1 2 3 4 5; do bare status -c "$db" >/dev/null; done
per_run=$(( ($(date +%s%N) - start) / 5000000 ))
echo "deploy: $size MiB, status in $per_run ms (mean of 5 warm runs, no .NET installed to it)"
echo "deploy: passed"
