#!/usr/bin/env bash
# Runs bench/peers with a throwaway PostgreSQL 15 cluster.
#
#   bench/peers.sh [peers options...]     e.g. --events 100000 --streams 5000 --runs 1
#
# The same server also carries zf's own PostgreSQL store (`--zf-pg`, the
# system "zfpg"), each run in a fresh schema, so the second table sets it
# against the plain event table.
#   ZF_PEERS_STANDBY=1  instead of one server, a primary with a synchronous
#                       hot standby (scripts/pg-replica-cluster): every
#                       commit waits for the standby, as in production
#
# The cluster is made with initdb (as the postgres user) in a fresh temporary
# directory, listens on 127.0.0.1 only, on a free port, with its socket in
# that directory, and is stopped and removed when this script exits, also on
# failure or Ctrl-C. Debian's own cluster is never touched. Needs root (to
# run initdb as postgres) and PostgreSQL 15's server binaries.
#   ZF_BUILD_DIR  build directory holding bin/peers (default build)
#   PG_BIN        PostgreSQL's binaries (default /usr/lib/postgresql/15/bin)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

peers="${ZF_BUILD_DIR:-build}/bin/peers"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[[ -x $peers ]] || { echo "peers.sh: $peers not built (cmake --build build --target peers)" >&2; exit 1; }
[[ -x $pg_bin/initdb ]] || { echo "peers.sh: no initdb in $pg_bin" >&2; exit 1; }

as_postgres() {
  if [[ $(id -un) == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi
}

if [[ -n ${ZF_PEERS_STANDBY:-} ]]; then
  state=$(mktemp -d /tmp/zf-peers-replica.XXXXXX)
  trap 'scripts/pg-replica-cluster stop "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
  trap 'exit 130' INT TERM
  ZF_PG_REPLICA_DURABLE=1 scripts/pg-replica-cluster start "$state" >&2
  url=$(cat "$state/url")
  "$peers" --pg "$url" --zf-pg "$url" "$@"
  exit
fi

cluster=$(mktemp -d /tmp/zf-peers-pg.XXXXXX)
cleanup() {
  if [[ -f $cluster/data/postmaster.pid ]]; then
    as_postgres "$pg_bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chown postgres "$cluster"

# A free loopback port: ask the kernel for one.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_postgres "$pg_bin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
# Durable commits as shipped (fsync, synchronous_commit and full_page_writes
# on); a buffer pool that holds the benchmark's data.
as_postgres "$pg_bin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster
      -c shared_buffers=1GB -c max_connections=200 -c fsync=on -c synchronous_commit=on" \
  start >/dev/null
as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres zf_peers

"$peers" --pg "host=127.0.0.1 port=$port user=postgres dbname=zf_peers" \
  --zf-pg "postgresql://postgres@127.0.0.1:$port/zf_peers" "$@"
