#!/usr/bin/env bash
# Workflow step "dotnet tool": packs the runner as a tool package, installs it from that folder alone (no other
# package source: what an offline machine has), runs it against a fresh database, and does the same through a local
# tool manifest (dotnet tool run migrations).
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack Migrations.Runner -c Release -o "$work/feed" -v quiet -nologo
# Only the local folder as a source: the install must need nothing from a registry.
cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="local" value="$work/feed" /></packageSources></configuration>
XML
dotnet tool install Migrations.Runner --tool-path "$work/tools" --add-source "$work/feed" --configfile "$work/nuget.config"
db=$(ci_database ci_tool)
expect 0 "$work/tools/migrations" --help
expect 0 "$work/tools/migrations" up -c "$db"
expect 0 "$work/tools/migrations" status --check -c "$db"
expect 0 "$work/tools/migrations" status --json -c "$db"

# A local tool manifest, as a team pins the tool in its repository (.config/dotnet-tools.json).
mkdir "$work/app"
(
  cd "$work/app"
  dotnet new tool-manifest >/dev/null
  dotnet tool install Migrations.Runner --add-source "$work/feed" --configfile "$work/nuget.config" >/dev/null
  expect 0 dotnet tool run migrations status --check -c "$db"
  expect 0 dotnet migrations validate -c "$db"
)
echo "dotnet tool: passed"
