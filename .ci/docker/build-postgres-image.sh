#!/usr/bin/env bash
# Builds, with no image registry, a local image that answers as the official postgres:15-alpine does (the tests'
# Testcontainers fixture and the development database name that image): Debian's PostgreSQL 15 binaries and the
# libraries they load, copied from this machine into an empty root file system, with docker-entrypoint.sh (the
# official image's POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB contract) as entry point.
#   bash .ci/docker/build-postgres-image.sh [TAG]      default tag postgres:15-alpine
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tag=${1:-postgres:15-alpine}
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/postgres" ] || { echo "build-postgres-image: no PostgreSQL 15 in $bin (bash .ci/install-postgres 15)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

copy() {
  local f
  for f in "$@"; do
    [ -e "$f" ] || continue
    mkdir -p "$root$(dirname "$f")"
    cp -aL "$f" "$root$f"
  done
}
libraries() { ldd "$@" 2>/dev/null | grep -o '/[^ ]*' | sort -u; }

tools=(/bin/sh /bin/bash /bin/cat /bin/ls /bin/mkdir /bin/chown /bin/chmod /bin/rm /bin/sleep /bin/echo /bin/grep
  /usr/bin/env /usr/bin/id /usr/bin/setpriv /usr/bin/head /usr/bin/tail)
copy "${tools[@]}" "$bin"/* /lib64/ld-linux-x86-64.so.2
copy $(libraries "${tools[@]}" "$bin"/* /usr/lib/postgresql/15/lib/*.so)
cp -a /usr/lib/postgresql "$root/usr/lib/"
mkdir -p "$root/usr/share" "$root/usr/local/bin" "$root/etc" "$root/tmp" "$root/var/run/postgresql" "$root/var/lib/postgresql"
cp -a /usr/share/postgresql /usr/share/zoneinfo "$root/usr/share/"
chmod 1777 "$root/tmp"
grep -E '^(root|postgres):' /etc/passwd >"$root/etc/passwd"
grep -E '^(root|postgres):' /etc/group >"$root/etc/group"
install -m 755 "$here/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
for f in "$bin"/*; do ln -s "$f" "$root/usr/local/bin/$(basename "$f")"; done

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/lib/postgresql/15/bin:/usr/bin:/bin:/usr/sbin:/sbin' \
  --change 'ENV PGDATA=/var/lib/postgresql/data' \
  --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  --change 'EXPOSE 5432' - "$tag" >/dev/null
echo "$tag"
