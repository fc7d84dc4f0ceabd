#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the ledger's PostgreSQL tests (docs/ledger.md,
# "PostgreSQL"): Debian's postgresql-15, initdb in a new temporary folder, a Unix socket in
# it and no TCP port, trust authentication for its one role `gpubill`. Run as an unprivileged
# user when this runs as root (initdb refuses root): `postgres` if the package made it, else
# `nobody`. ctest starts it before and stops it after the [postgres] tests (a fixture).
#
#   pg_cluster.sh start STATE   # writes the cluster's base URL to STATE
#   pg_cluster.sh stop STATE    # stops it, removes the folder and STATE
set -euo pipefail

action=${1:?start or stop}
state=${2:?the state file}

bindir=""
for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$d/initdb" ]; then bindir=$d; break; fi
done

as_owner=()
if [ "$(id -u)" = 0 ]; then
  owner=nobody
  getent passwd postgres >/dev/null && owner=postgres
  as_owner=(runuser -u "$owner" --)
fi

case $action in
start)
  if [ -z "$bindir" ]; then
    echo "pg_cluster.sh: no initdb under /usr/lib/postgresql/*/bin: 'make deps' installs postgresql-15" >&2
    exit 1
  fi
  if [ -s "$state" ]; then "$0" stop "$state" || true; fi  # a run that was interrupted
  dir=$(mktemp -d "${TMPDIR:-/tmp}/gpubill-pg.XXXXXX")
  chmod 0755 "$dir"
  if [ ${#as_owner[@]} -gt 0 ]; then chown "$owner" "$dir"; fi
  cd "$dir"  # the owner may not be able to enter the folder this was started from
  if ! "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U gpubill --auth=trust -E UTF8 --no-locale \
      --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  # Only a socket, in the folder; no fsync: the cluster dies with the test run.
  if ! "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses= -k $dir -c fsync=off -c max_connections=50" start >/dev/null; then
    cat "$dir/server.log" >&2
    exit 1
  fi
  echo "postgresql://gpubill@/postgres?host=$dir" >"$state"
  echo "pg_cluster.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $dir"
  ;;
stop)
  [ -s "$state" ] || exit 0
  dir=$(sed -n 's/.*host=//p' "$state")
  case $dir in "${TMPDIR:-/tmp}"/gpubill-pg.*) ;; *) echo "pg_cluster.sh: odd state $state" >&2; exit 1 ;; esac
  cd /
  if [ -d "$dir/data" ]; then "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true; fi
  rm -rf "$dir"
  rm -f "$state"
  ;;
*)
  echo "pg_cluster.sh: start or stop" >&2
  exit 2
  ;;
esac
