#!/usr/bin/env bash
# End to end, side by side in one run: a Runpod v1 pods answer of ROWS generated hourly rows
# (default 500,000, ~78 MB) served by gpubill-fakecloud on 127.0.0.1, turned into CSV by
#   gpubill   gpubill runpod pods --bucket hour --grouping podId ... -o csv
#   jq        curl ... | jq -r '...| @csv'       (the same 14 columns)
#   python3   bench/runpod_to_csv.py             (standard library, exact Decimal amounts)
# Each is run RUNS times (default 3); the best wall time and the largest peak RSS
# (/usr/bin/time -v) are kept. Prints the table of docs/performance.md and the ratios, and
# the mean start-up time over 200 runs of `gpubill --help` (no libcurl) and `--version`.
#   make && bench/e2e.sh            ROWS=100000 RUNS=1 bench/e2e.sh for a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
ROWS=${ROWS:-500000}
RUNS=${RUNS:-3}
GPUBILL="$BUILD_DIR/src/gpubill"
for tool in jq curl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/e2e.sh needs $tool" >&2; exit 1; }
done
. bench/fakecloud.sh
start_fakecloud --runpod-key bench-runpod --runpod-bulk "$ROWS"
read -r bulk_url bytes total < <(sed -n 's/^runpod bulk: \([^ ]*\) rows=[0-9]* bytes=\([0-9]*\) total=\(.*\)$/\1 \2 \3/p' "$FAKECLOUD_LOG")
# The bulk answer is REST v1's shape (a bare array): ask v1 by name (v2 is the default).
export RUNPOD_API_KEY=bench-runpod GPUBILL_RUNPOD_URL="$bulk_url" GPUBILL_RUNPOD_API=v1 GPUBILL_NOW=2026-11-23T00:00:00Z
export XDG_CONFIG_HOME=$(mktemp -d)
work=$(mktemp -d)
trap 'kill $FAKECLOUD_PID 2>/dev/null || true; wait $FAKECLOUD_PID 2>/dev/null || true; rm -rf "$work" "$FAKECLOUD_LOG" "$XDG_CONFIG_HOME"' EXIT

JQ_PROGRAM='["provider","service","resource_id","resource_name","gpu_type","gpu_model","region","period_start","period_end","amount","currency","usage_quantity","usage_unit","description"],
(.[] | ["runpod", "pods", (.podId // ""), "", .gpuTypeId, (.gpuTypeId | sub("^NVIDIA (GeForce )?"; "")), "",
        .time, (.time | fromdateiso8601 + 3600 | todateiso8601), .amount, "USD",
        (if .timeBilledMs == null then "" else .timeBilledMs / 3600000 end), "hour", ""]) | @csv'
export JQ_PROGRAM
commands=(
  "gpubill|$GPUBILL runpod pods --bucket hour --grouping podId --start 2025-11-01 --end 2026-11-01 -o csv"
  "jq|curl -sf -H \"Authorization: Bearer \$RUNPOD_API_KEY\" '$bulk_url/billing/pods' | jq -r \"\$JQ_PROGRAM\""
  "python3|python3 bench/runpod_to_csv.py '$bulk_url/billing/pods'"
  # the same records as FOCUS rows (issue #21): its cost beside -o csv's
  "focus|$GPUBILL runpod pods --bucket hour --grouping podId --start 2025-11-01 --end 2026-11-01 -o focus"
)

declare -A wall rss
for entry in "${commands[@]}"; do
  name=${entry%%|*}; cmd=${entry#*|}
  best=""; peak=0
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$work/time" bash -c "$cmd" >"$work/$name.csv"
    read -r s kb <"$work/time"
    best=$(awk -v a="$s" -v b="$best" 'BEGIN { print (b == "" || a < b) ? a : b }')
    peak=$(( kb > peak ? kb : peak ))
  done
  lines=$(wc -l <"$work/$name.csv")
  [ "$lines" -eq $((ROWS + 1)) ] || { echo "$name wrote $lines lines, expected $((ROWS + 1))" >&2; exit 1; }
  wall[$name]=$best; rss[$name]=$peak
done
# gpubill's amounts add up to what the server sent, exactly.
sum=$(python3 -c 'import csv,sys,decimal; r=csv.reader(open(sys.argv[1])); next(r); print(sum(decimal.Decimal(x[9]) for x in r).normalize())' "$work/gpubill.csv")
[ "$sum" = "$(python3 -c "import decimal; print(decimal.Decimal('$total').normalize())")" ] || { echo "gpubill total $sum != served $total" >&2; exit 1; }
# And its FOCUS rows' BilledCost (the first column) too.
fsum=$(python3 -c 'import csv,sys,decimal; r=csv.reader(open(sys.argv[1])); next(r); print(sum(decimal.Decimal(x[0]) for x in r).normalize())' "$work/focus.csv")
[ "$fsum" = "$sum" ] || { echo "gpubill -o focus BilledCost $fsum != served $total" >&2; exit 1; }

mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
printf 'answer: %d rows, %s MB, total %s USD; best of %d runs\n\n' "$ROWS" "$mb" "$total" "$RUNS"
printf '| %-8s | %8s | %7s | %12s | %13s | %12s |\n' tool seconds "MB/s" "peak RSS MiB" "RSS / answer" "x gpubill"
printf '| %-8s | %8s | %7s | %12s | %13s | %12s |\n' --- ---: ---: ---: ---: ---:
for name in gpubill jq python3; do
  awk -v n="$name" -v s="${wall[$name]}" -v kb="${rss[$name]}" -v b="$bytes" -v g="${wall[gpubill]}" 'BEGIN {
    printf "| %-8s | %8.2f | %7.1f | %12.1f | %13.2f | %12.2f |\n", n, s, b / 1e6 / s, kb / 1024, kb * 1024 / b, s / g }'
done
# Start-up without the network: --help loads no libcurl. --version does, to name its version.
echo
for what in --help --version; do
  start=$(date +%s%N)
  for _ in $(seq 1 200); do "$GPUBILL" "$what" >/dev/null; done
  end=$(date +%s%N)
  printf 'gpubill %s: %.2f ms mean over 200 runs\n' "$what" "$(awk -v a="$start" -v b="$end" 'BEGIN { print (b - a) / 200 / 1e6 }')"
done
printf 'gpubill -o focus: %.2f s, %.2fx -o csv (the same records, 42 columns instead of 14)\n' \
  "${wall[focus]}" "$(awk -v f="${wall[focus]}" -v g="${wall[gpubill]}" 'BEGIN { print f / g }')"
printf 'gpubill vs jq: %.1fx faster (target 5x); vs python3: %.1fx (target 3x); peak RSS %.2fx the answer (target <= 2x)\n' \
  "$(awk -v a="${wall[jq]}" -v g="${wall[gpubill]}" 'BEGIN { print a / g }')" \
  "$(awk -v a="${wall[python3]}" -v g="${wall[gpubill]}" 'BEGIN { print a / g }')" \
  "$(awk -v kb="${rss[gpubill]}" -v b="$bytes" 'BEGIN { print kb * 1024 / b }')"
