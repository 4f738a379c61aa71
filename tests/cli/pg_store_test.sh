#!/usr/bin/env bash
# zfcli on the PostgreSQL store, end to end (ctest: pg.cli):
#   * ZF_DB=postgresql://… selects the PostgreSQL store for an import, and
#     --db postgresql://… for reads and store verify;
#   * a RocksDB store's log, copied with `zfcli store copy --to`, ends at the
#     same ledger head, and independent_verify.py accepts both exports;
#   * a copy into a store that is not empty is refused (exit 4);
#   * `backup` of a PostgreSQL store writes a RocksDB store with the same
#     export, a clean audit and the same case view;
#   * an unreachable server is named, exit 1.
# Usage: pg_store_test.sh ZFCLI SAMPLE_DIR INDEPENDENT_VERIFY
# The cluster's URL comes from $ZF_TEST_PG_URL or the file
# $ZF_TEST_PG_URL_FILE names; without one the test is skipped (exit 77)
# unless $ZF_TEST_PG_REQUIRED is set.
set -euo pipefail
zfcli=$1 sample=$2 verify=$3
psql="${ZF_PG_BIN:-/usr/lib/postgresql/15/bin}/psql"
export PGOPTIONS="--client-min-messages=warning"

url=${ZF_TEST_PG_URL:-}
if [[ -z $url && -n ${ZF_TEST_PG_URL_FILE:-} && -f $ZF_TEST_PG_URL_FILE ]]; then
  url=$(cat "$ZF_TEST_PG_URL_FILE")
fi
if [[ -z $url ]]; then
  echo "SKIPPED: no PostgreSQL test cluster is configured (scripts/pg-test-cluster)"
  [[ -n ${ZF_TEST_PG_REQUIRED:-} ]] && exit 1
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Two schemas of their own in the shared test database.
tag="cli_$$_$RANDOM"
"$psql" -q "$url" -c "CREATE SCHEMA ${tag}_direct; CREATE SCHEMA ${tag}_copy"
direct="$url?options=-csearch_path%3D${tag}_direct"
copy="$url?options=-csearch_path%3D${tag}_copy"

# Imported straight into PostgreSQL through $ZF_DB.
cat "$sample"/0*.jsonl | ZF_DB=$direct "$zfcli" import - --keep-going >"$tmp/direct.out"
grep -q '被拒绝: 0  无效: 0' "$tmp/direct.out" || fail "import into PostgreSQL: $(cat "$tmp/direct.out")"
"$zfcli" --db "$direct" store verify --json >"$tmp/verify.json" || fail "store verify on PostgreSQL"
grep -q '"ok":true' "$tmp/verify.json" || fail "store verify: $(cat "$tmp/verify.json")"
"$zfcli" --db "$direct" --lang en case show SX-2023-E0010 >"$tmp/show.txt" ||
  fail "case show on PostgreSQL"
"$zfcli" --db "$direct" export | python3 "$verify" >"$tmp/direct.verify" ||
  fail "independent_verify on the PostgreSQL export: $(tail -3 "$tmp/direct.verify")"

# Imported into RocksDB, then copied.
cat "$sample"/0*.jsonl | "$zfcli" --db "$tmp/rocks" import - --keep-going >/dev/null
"$zfcli" --db "$tmp/rocks" --json store copy --to "$copy" >"$tmp/copy.json"
"$zfcli" --db "$tmp/rocks" export | python3 "$verify" >"$tmp/rocks.verify" ||
  fail "independent_verify on the RocksDB export"
"$zfcli" --db "$copy" export | python3 "$verify" >"$tmp/copy.verify" ||
  fail "independent_verify on the copy's export"
rocks_ledger=$(grep -o 'ledger_hash: [0-9a-f]*' "$tmp/rocks.verify")
copy_ledger=$(grep -o 'ledger_hash: [0-9a-f]*' "$tmp/copy.verify")
[[ -n $rocks_ledger && $rocks_ledger == "$copy_ledger" ]] ||
  fail "ledger heads differ: RocksDB '$rocks_ledger', PostgreSQL '$copy_ledger'"
grep -q "\"ledger_hash\":\"${rocks_ledger#ledger_hash: }\"" "$tmp/copy.json" ||
  fail "store copy printed $(cat "$tmp/copy.json")"
cmp <("$zfcli" --db "$tmp/rocks" export) <("$zfcli" --db "$copy" export) ||
  fail "the exports differ"

# A backup of the PostgreSQL store is a RocksDB store with the same log,
# ledger and read models: its export is the same, and the copy audits
# clean and answers a case read as the PostgreSQL store does.
"$zfcli" --db "$copy" --json backup "$tmp/pg-backup" >"$tmp/backup.json" ||
  fail "backup of the PostgreSQL store"
grep -q "\"ledger_hash\":\"${rocks_ledger#ledger_hash: }\"" "$tmp/backup.json" ||
  fail "backup printed $(cat "$tmp/backup.json")"
cmp <("$zfcli" --db "$copy" export) <("$zfcli" --db "$tmp/pg-backup" export) ||
  fail "the backup's export differs from the PostgreSQL store's"
"$zfcli" --db "$tmp/pg-backup" --json audit verify >"$tmp/backup-audit.json" ||
  fail "audit verify of the backup: $(head -c 600 "$tmp/backup-audit.json")"
cmp <("$zfcli" --db "$copy" --lang en case show SX-2023-E0010) \
  <("$zfcli" --db "$tmp/pg-backup" --lang en case show SX-2023-E0010) ||
  fail "case show differs between the PostgreSQL store and its backup"
set +e
"$zfcli" --db "$copy" backup "$tmp/pg-backup" 2>"$tmp/backup-again.err"
code=$?
set -e
[[ $code -eq 5 ]] || fail "a backup over an existing directory exited $code, not 5"

# A second copy into the same store is refused.
set +e
"$zfcli" --db "$tmp/rocks" store copy --to "$copy" 2>"$tmp/again.err"
code=$?
set -e
[[ $code -eq 4 ]] || fail "a copy into a store that is not empty exited $code, not 4"
grep -q 'not empty' "$tmp/again.err" || fail "refusal said: $(cat "$tmp/again.err")"

# An unreachable server is named, with exit 1 (not "held by another
# process"), for a read and for a command that writes.
for args in "case list" "import -"; do
  set +e
  # shellcheck disable=SC2086
  "$zfcli" --db "postgresql://zf@127.0.0.1:1/zf_test?connect_timeout=3&zf_reconnect_timeout=0.3" $args \
    </dev/null 2>"$tmp/down.err" >/dev/null
  code=$?
  set -e
  [[ $code -eq 1 ]] || fail "'$args' on an unreachable server exited $code, not 1"
  grep -q 'cannot connect to the PostgreSQL store' "$tmp/down.err" ||
    fail "'$args' on an unreachable server said: $(cat "$tmp/down.err")"
done
# zf's own URL parameter is checked, and named when it is wrong (exit 3).
set +e
"$zfcli" --db "postgresql://zf@127.0.0.1:1/zf_test?zf_reconnect_timeout=soon" case list \
  2>"$tmp/bad.err" >/dev/null
code=$?
set -e
[[ $code -eq 3 ]] || fail "a bad zf_reconnect_timeout exited $code, not 3"
grep -q 'zf_reconnect_timeout' "$tmp/bad.err" || fail "bad parameter said: $(cat "$tmp/bad.err")"

"$psql" -q "$url" -c "DROP SCHEMA ${tag}_direct CASCADE; DROP SCHEMA ${tag}_copy CASCADE"
echo "ok: $rocks_ledger"
