#!/usr/bin/env bash
# Runs a command with a PostgreSQL server for the CI steps: the one CI_PG_HOST names (the workflow's service
# container), else a throwaway cluster from the installed server binaries, on a free loopback port, removed after.
#   bash .ci/steps/with-postgres.sh bash .ci/steps/roundtrip.sh
set -euo pipefail
if [ -n "${CI_PG_HOST:-}" ]; then
  exec "$@"
fi

bin=${CI_POSTGRES_BIN:-$(compgen -G "/usr/lib/postgresql/*/bin" | sort -V | tail -n 1)}
[ -x "$bin/initdb" ] || { echo "with-postgres: no initdb in '$bin' (bash .ci/install-postgres 15)" >&2; exit 1; }
dir=$(mktemp -d)
chmod 755 "$dir"
as_postgres=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_postgres=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as_postgres[@]}" "$bin/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
"${as_postgres[@]}" "$bin/pg_ctl" start -w -D "$dir/data" -l "$dir/log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null
export CI_PG_HOST=127.0.0.1 CI_PG_PORT=$port CI_PG_USER=postgres CI_PG_PASSWORD=
# psql of the same version, where the server binaries came without one (the npm package's servers).
command -v psql >/dev/null || export PATH="$bin:$PATH"
"$@"
