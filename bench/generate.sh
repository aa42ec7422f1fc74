#!/usr/bin/env bash
# Writes N synthetic migrations into DIR: sql/NNNNN.up.sql and .down.sql (each down undoes its up exactly), and a
# FluentMigrator project (Bench.Migrations) whose classes run those files as embedded scripts.
#   bash bench/generate.sh N DIR [tables|steps]
# tables (the default): every table goes through five migrations of one or two statements each, several objects to a
#   statement (a table with its keys, defaults and foreign key), a small data update among them.
# steps: every table goes through four migrations of five to eight statements each, one object to a statement (columns
#   added one by one, defaults, comments, a check, indexes, a function, a view, a grant), two of them data migrations
#   (200 rows inserted, columns backfilled by UPDATE).
set -euo pipefail
n=$1
dir=$2
shape=${3:-tables}
rm -rf "$dir"
mkdir -p "$dir/sql"

up() { printf '%s\n' "$2" > "$dir/sql/$(printf %05d "$1").up.sql"; }
down() { printf '%s\n' "$2" > "$dir/sql/$(printf %05d "$1").down.sql"; }

steps() {
  local i t table prev
  for ((i = 1; i <= n; i++)); do
    t=$(( (i - 1) / 4 + 1 ))
    table="s_$(printf %04d $t)"
    prev="s_$(printf %04d $((t - 1)))"
    case $(( (i - 1) % 4 )) in
      0)
        up "$i" "CREATE TABLE $table (id bigint PRIMARY KEY);
ALTER TABLE $table ADD COLUMN a integer;
ALTER TABLE $table ADD COLUMN b text;
ALTER TABLE $table ADD COLUMN c timestamptz DEFAULT now();
ALTER TABLE $table ALTER COLUMN a SET DEFAULT 0;
COMMENT ON COLUMN $table.a IS 'a counter';
COMMENT ON COLUMN $table.b IS 'a label';
CREATE INDEX ${table}_a_idx ON $table (a);"
        down "$i" "DROP TABLE $table;" ;;
      1)
        up "$i" "INSERT INTO $table (id, a, b) SELECT g, g % 10, 'row ' || g FROM generate_series(1, 200) g;
UPDATE $table SET b = upper(b) WHERE a = 3;
UPDATE $table SET c = c - interval '1 day' WHERE a > 5;
DELETE FROM $table WHERE a = 9;
ANALYZE $table;"
        down "$i" "DELETE FROM $table WHERE id <= 200;" ;;
      2)
        up "$i" "ALTER TABLE $table ADD COLUMN d integer;
UPDATE $table SET d = a * 2;
ALTER TABLE $table ALTER COLUMN d SET NOT NULL;
ALTER TABLE $table ADD CONSTRAINT ${table}_d_check CHECK (d >= 0);
CREATE INDEX ${table}_d_idx ON $table (d);
ALTER TABLE $table ADD COLUMN e text;
UPDATE $table SET e = b || '!';"
        down "$i" "DROP INDEX ${table}_d_idx;
ALTER TABLE $table DROP CONSTRAINT ${table}_d_check;
ALTER TABLE $table DROP COLUMN e;
ALTER TABLE $table DROP COLUMN d;" ;;
      3)
        fk=""
        fk_down=""
        if [ "$t" -gt 1 ]; then
          fk="
ALTER TABLE $table ADD COLUMN parent_id bigint REFERENCES $prev (id);"
          fk_down="
ALTER TABLE $table DROP COLUMN parent_id;"
        fi
        up "$i" "CREATE FUNCTION ${table}_total() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT sum(a) FROM $table';
CREATE VIEW ${table}_positive AS SELECT id, a, d FROM $table WHERE d > 0;
GRANT SELECT ON ${table}_positive TO PUBLIC;
COMMENT ON VIEW ${table}_positive IS 'rows with a positive d';$fk"
        down "$i" "REVOKE SELECT ON ${table}_positive FROM PUBLIC;$fk_down
DROP VIEW ${table}_positive;
DROP FUNCTION ${table}_total();" ;;
    esac
  done
}

if [ "$shape" = steps ]; then
  steps
else
# Every table goes through five steps; migration 1 sets up what the others share.
up 1 "CREATE TYPE bench_status AS ENUM ('new', 'active', 'archived');
CREATE FUNCTION bench_touch() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
\$\$;"
down 1 "DROP FUNCTION bench_touch();
DROP TYPE bench_status;"

for ((i = 2; i <= n; i++)); do
  t=$(( (i - 2) / 5 + 1 ))
  table="t_$(printf %04d $t)"
  parent="t_$(printf %04d $((t - 1)))"
  case $(( (i - 2) % 5 )) in
    0)
      fk=""
      [ "$t" -gt 1 ] && fk=",
    parent_id bigint REFERENCES $parent (id) ON DELETE CASCADE"
      up "$i" "CREATE TABLE $table (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    status bench_status NOT NULL DEFAULT 'new',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()$fk
);
COMMENT ON TABLE $table IS 'synthetic table $t';"
      down "$i" "DROP TABLE $table;" ;;
    1)
      up "$i" "ALTER TABLE $table ADD COLUMN score integer NOT NULL DEFAULT 0;
ALTER TABLE $table ADD COLUMN note text;"
      down "$i" "ALTER TABLE $table DROP COLUMN note;
ALTER TABLE $table DROP COLUMN score;" ;;
    2)
      up "$i" "CREATE INDEX ${table}_name_idx ON $table (name);
CREATE INDEX ${table}_active_idx ON $table (created_at) WHERE status = 'active';"
      down "$i" "DROP INDEX ${table}_active_idx;
DROP INDEX ${table}_name_idx;" ;;
    3)
      up "$i" "CREATE TRIGGER ${table}_touch BEFORE UPDATE ON $table FOR EACH ROW EXECUTE FUNCTION bench_touch();
CREATE VIEW ${table}_active AS SELECT id, name, score FROM $table WHERE status = 'active';"
      down "$i" "DROP VIEW ${table}_active;
DROP TRIGGER ${table}_touch ON $table;" ;;
    4)
      up "$i" "INSERT INTO $table (name) SELECT 'row ' || g FROM generate_series(1, 20) g;
UPDATE $table SET status = 'active', score = score + 1 WHERE id % 2 = 0;"
      down "$i" "DELETE FROM $table;" ;;
  esac
done
fi

project="$dir/Bench.Migrations"
mkdir -p "$project"
cat > "$project/Bench.Migrations.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <RootNamespace>Bench.Migrations</RootNamespace>
    <!-- Generated code: the repository's analyzers have nothing to say about it. -->
    <AnalysisLevel>none</AnalysisLevel>
    <GenerateDocumentationFile>false</GenerateDocumentationFile>
    <EnforceCodeStyleInBuild>false</EnforceCodeStyleInBuild>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FluentMigrator" />
    <EmbeddedResource Include="../sql/*.sql" LogicalName="Bench.%(Filename)%(Extension)" />
  </ItemGroup>
</Project>
EOF
{
  echo "using FluentMigrator;"
  echo
  echo "namespace Bench.Migrations;"
  for ((i = 1; i <= n; i++)); do
    v=$(printf %05d "$i")
    echo
    echo "[Migration($i, \"Synthetic $i\")]"
    echo "public sealed class B$v : Migration"
    echo "{"
    echo "    public override void Up() => Execute.EmbeddedScript(\"Bench.$v.up.sql\");"
    echo
    echo "    public override void Down() => Execute.EmbeddedScript(\"Bench.$v.down.sql\");"
    echo "}"
  done
} > "$project/Migrations.cs"

# What psql runs: each file in its own transaction in one session, and everything in one transaction.
for direction in up down; do
  if [ "$direction" = up ]; then files=$(ls "$dir"/sql/*.up.sql | sort); else files=$(ls "$dir"/sql/*.down.sql | sort -r); fi
  : > "$dir/$direction.each.sql"
  : > "$dir/$direction.all.sql"
  for f in $files; do
    { echo "BEGIN;"; cat "$f"; echo "COMMIT;"; } >> "$dir/$direction.each.sql"
    cat "$f" >> "$dir/$direction.all.sql"
  done
done
