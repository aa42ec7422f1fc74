#!/usr/bin/env bash
# Workflow step "bundle": publishes the runner as one self-contained executable with the migrations inside, then
# runs every verb with no .NET at hand (dotnet off PATH, DOTNET_ROOT unset, an empty environment): --help of each,
# and up, status and the other verbs against a fresh database. Prints its size and start-up time
# (docs/PERFORMANCE.md, "The bundle").
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet publish Migrations.Runner -c Release -r linux-x64 -p:Bundle=true -o "$work/publish" -v quiet -nologo
install -m 755 "$work/publish/Migrations.Runner" "$work/migrations"
files=$(find "$work/publish" -type f ! -name '*.pdb' | wc -l)
[ "$files" = 1 ] || { echo "bundle: $files files published, expected one:" >&2; ls -la "$work/publish" >&2; exit 1; }

db=$(ci_database ci_bundle)
# Nothing of .NET: an environment with only HOME (the bundle extracts its native parts below it) and a PATH without dotnet.
bare() { env -i HOME="$work/home" PATH=/nonexistent "$work/migrations" "$@"; }
mkdir "$work/home"
expect 0 bare --help
for verb in $(bare --help | sed -n '/^Commands:/,$p' | awk 'NR > 1 && /^  [a-z]/ { print $1 }'); do
  expect 0 bare "$verb" --help
done
expect 0 bare up -c "$db"
expect 0 bare status --check -c "$db"
expect 0 bare validate -c "$db"
expect 0 bare preview -c "$db"
expect 0 bare drift -c "$db"
expect 0 bare schema -c "$db"
expect 0 bare config -c "$db"
expect 0 bare rollback -c "$db"
expect 3 bare status --check -c "$db"
expect 0 bare up --json -c "$db"
expect 0 bare repair --accept 1 -c "$db"
expect 1 bare baseline --version 1 -c "$db"
expect 0 bare down --to 0 -c "$db"

size=$(stat -c %s "$work/migrations")
start=$(date +%s%N)
for _ in 1 2 3 4 5; do bare status -c "$db" >/dev/null; done
per_run=$(( ($(date +%s%N) - start) / 5000000 ))
echo "bundle: $(( size / 1048576 )) MiB, status in $per_run ms (mean of 5 warm runs, no .NET installed to it)"
echo "bundle: passed"
