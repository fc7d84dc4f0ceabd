#!/usr/bin/env bash
# The ledger against sqlite3, side by side in one run (issue 20): ROWS Runpod rows (default
# 500,000: one year of hourly pod rows from the fake cloud's bulk generator) stored
#   gpubill   into a new ledger as `gpubill sync` stores them: a transaction per month,
#             natural keys, the restatement lookup (bench/ledger_bench.cpp)
#   sqlite3   `.import --csv` of the same rows, as gpubill's CSV, into a table of the same
#             14 columns (no index, no key: the floor)
# Each RUNS times (default 3), the best wall time kept; also gpubill's resync of the same data
# (every row looked up, nothing written). Prints the times and the ratio; the target is 2x.
#   make && bench/ledger.sh          ROWS=100000 RUNS=1 bench/ledger.sh for a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
ROWS=${ROWS:-500000}
RUNS=${RUNS:-3}
BENCH="$BUILD_DIR/bench/gpubill_ledger_bench"
command -v sqlite3 >/dev/null || { echo "bench/ledger.sh needs sqlite3 (make deps installs it)" >&2; exit 1; }
[ -x "$BENCH" ] || { echo "bench/ledger.sh: build first ($BENCH missing)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

best() { printf '%s\n' "$@" | sort -g | head -1; }
gp=(); re=()
for i in $(seq 1 "$RUNS"); do
  rm -f "$work"/ledger.db*
  out=$("$BENCH" "$ROWS" "$work/ledger.db" "$work/rows.csv")
  gp+=("$(sed -n 's/^first_sync_s //p' <<<"$out")")
  re+=("$(sed -n 's/^resync_s //p' <<<"$out")")
  sum=$(sed -n 's/^sum //p' <<<"$out")
done
sq=()
for i in $(seq 1 "$RUNS"); do
  rm -f "$work/import.db"
  start=$(date +%s.%N)
  sqlite3 "$work/import.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE records(provider TEXT, service TEXT, resource_id TEXT, resource_name TEXT, gpu_type TEXT,
  gpu_model TEXT, region TEXT, period_start TEXT, period_end TEXT, amount TEXT, currency TEXT,
  usage_quantity TEXT, usage_unit TEXT, description TEXT);
.import --csv --skip 1 $work/rows.csv records
SQL
  end=$(date +%s.%N)
  sq+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
done
imported=$(sqlite3 "$work/import.db" 'SELECT COUNT(*) FROM records')
g=$(best "${gp[@]}"); r=$(best "${re[@]}"); s=$(best "${sq[@]}")
printf '%-34s %10s\n' "store $ROWS Runpod rows" "best of $RUNS"
printf '%-34s %9.2f s\n' "gpubill ledger (first sync)" "$g"
printf '%-34s %9.2f s\n' "gpubill ledger (resync, unchanged)" "$r"
printf '%-34s %9.2f s   (%s rows)\n' "sqlite3 .import --csv" "$s" "$imported"
printf 'ratio gpubill/sqlite3: %.2fx (target: within 2x)\n' "$(awk -v a="$g" -v b="$s" 'BEGIN { print a / b }')"
echo "exact total read back from the ledger: $sum USD"
