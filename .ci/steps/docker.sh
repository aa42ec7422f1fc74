#!/usr/bin/env bash
# The Docker paths (Migrations.Tests/Shipping/DockerPathTests): the tests' Testcontainers server and the development
# database's container. Where no engine answers, this starts Debian's (package docker.io) on a socket of its own, so
# that no other process here takes the Docker path by surprise, builds the postgres image locally (no registry is
# reachable: .ci/docker/build-postgres-image.sh), and runs those tests through it. Exit 77: skipped, with the reason.
set -euo pipefail
cd "$(dirname "$0")/../.."
skip() { echo "docker: skipped: $*"; exit 77; }
if [ -z "${DOCKER_HOST:-}" ] && ! [ -S /var/run/docker.sock ]; then
  if ! command -v dockerd >/dev/null; then
    [ "$(id -u)" = 0 ] || skip "no Docker engine, and not root to install one"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io; } >/dev/null 2>&1 \
      || skip "Debian's docker.io package does not install here"
  fi
  dir=$(mktemp -d)
  dockerd -H "unix://$dir/docker.sock" --pidfile "$dir/docker.pid" --exec-root "$dir/exec" >"$dir/dockerd.log" 2>&1 &
  trap 'kill "$(cat "$dir/docker.pid" 2>/dev/null)" 2>/dev/null || true; sleep 2; rm -rf "$dir"' EXIT
  export DOCKER_HOST="unix://$dir/docker.sock"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -n 5 "$dir/dockerd.log"; skip "dockerd does not start here"; }
fi
docker image inspect postgres:15-alpine >/dev/null 2>&1 || bash .ci/docker/build-postgres-image.sh postgres:15-alpine
docker run --rm --entrypoint /bin/sh postgres:15-alpine -c true || skip "the engine answers but cannot run a container"
# The engine's own API version (Debian's 20.10 speaks 1.41; Testcontainers asks for a newer one unless told), and no
# Ryuk reaper: its image would come from a registry. The tests remove their containers themselves.
log=$(mktemp)
DOCKER_API_VERSION=$(docker version --format '{{.Server.APIVersion}}') TESTCONTAINERS_RYUK_DISABLED=true \
  dotnet test Migrations.Tests --no-build --filter "FullyQualifiedName~DockerPathTests" "$@" | tee "$log"
# Skipped would mean the tests did not see the engine this script started: that is a failure here, not a skip.
grep -Eq '^Passed! +- Failed: +0, Passed: +[1-9][0-9]*, Skipped: +0' "$log" || { echo "docker: the Docker path tests did not all run" >&2; exit 1; }
