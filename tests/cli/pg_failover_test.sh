#!/usr/bin/env bash
# Failover on PostgreSQL end to end (ctest: pg.failover): the failover
# runs of pg_failover_test.cc ([pg_failover]: SIGKILL of the primary at a
# random moment, promotion, a new standby, every acknowledged command
# exactly once), then the store they leave, checked from outside by zfcli:
# `store verify` (the chain and the ledger) and `audit verify` (every
# recorded command decided again).
# Then the same through `zfcli serve` (pg_serve_failover.py): HTTP clients,
# the server reconnecting through the multi-host URL, every acknowledged
# command exactly once, and the store clean after the server stops.
# Usage: pg_failover_test.sh ZF_INTEGRATION_TESTS ZFCLI REPLICA_SCRIPT STATE_DIR EXAMPLES_DIR
# The replica cluster is the pg.failover_cluster_start fixture's; without
# one the test is skipped (exit 77) unless $ZF_TEST_PG_REQUIRED is set.
set -euo pipefail
tests=$1 zfcli=$2 script=$3 state=$4 examples=$5

if [[ ! -s $state/url ]]; then
  echo "SKIPPED: no replica cluster (scripts/pg-replica-cluster)"
  [[ -n ${ZF_TEST_PG_REQUIRED:-} ]] && exit 1
  exit 77
fi
fail() { echo "FAIL: $*" >&2; exit 1; }

export ZF_TEST_PG_REPLICA_STATE=$state ZF_PG_REPLICA_SCRIPT=$script
export ZF_FAILOVER_RUNS=${ZF_FAILOVER_RUNS:-10} ZF_SERVE_FAILOVER_RUNS=${ZF_SERVE_FAILOVER_RUNS:-20}
"$tests" "[pg_failover]" --warn NoTests

url=$(cat "$state/store_url")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$zfcli" --db "$url" store verify --json >"$out/verify.json" || fail "store verify: $(cat "$out/verify.json")"
grep -q '"ok":true' "$out/verify.json" || fail "store verify: $(cat "$out/verify.json")"
"$zfcli" --db "$url" audit verify >"$out/audit.txt" 2>&1 || fail "audit verify: $(cat "$out/audit.txt")"
echo "store verify and audit verify clean: $(tail -1 "$out/audit.txt")"

# Debian's python3: the pyenv one on some machines' PATH works too (stdlib only).
/usr/bin/python3 "$(dirname "$0")/pg_serve_failover.py" "$zfcli" "$script" "$state" "$examples"
