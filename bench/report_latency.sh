#!/usr/bin/env bash
# How `gpubill report` fares when every provider answers slowly: the fake cloud waits
# LATENCY_MS (default 200) before each answer. Prints the report's wall time, the number of
# requests and the sum of their latencies (what a serial run would at least take), and each
# provider alone (--providers X), so the report can be compared with its slowest provider.
#   bench/report_latency.sh            (after make; BUILD_DIR=build by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
LATENCY_MS=${LATENCY_MS:-200}
GPUBILL="$BUILD_DIR/src/gpubill"
. bench/fakecloud.sh
start_fakecloud --latency-ms "$LATENCY_MS" --runpod-key bench-runpod --novita-key bench-novita \
  --gcore-key bench-gcore --hyperstack-key bench-hyperstack
url=$FAKECLOUD_URL
export RUNPOD_API_KEY=bench-runpod GPUBILL_RUNPOD_URL="$url/runpod/v1" GPUBILL_RUNPOD_V2_URL="$url/runpod/v2"
export NOVITA_API_KEY=bench-novita GPUBILL_NOVITA_URL="$url/novita"
export GCORE_API_KEY=bench-gcore GPUBILL_GCORE_URL="$url/gcore"
export HYPERSTACK_API_KEY=bench-hyperstack GPUBILL_HYPERSTACK_URL="$url/hyperstack/v1"
export GPUBILL_NOW=2026-11-23T12:00:00Z XDG_CONFIG_HOME=$(mktemp -d)

timed() {  # prints "seconds requests"
  local start end requests
  start=$(date +%s.%N)
  requests=$("$GPUBILL" report --start 2026-10 -o json -v "$@" 2>&1 >/dev/null | grep -cE 'gpubill: debug: (GET|POST) ' || true)
  end=$(date +%s.%N)
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }') $requests"
}
read -r all n <<<"$(timed)"
printf 'latency per request: %d ms\n' "$LATENCY_MS"
printf '%-12s %8s %9s %14s\n' "run" "wall s" "requests" "sum latency s"
printf '%-12s %8.2f %9d %14.2f\n' "report" "$all" "$n" "$(awk -v n="$n" -v l="$LATENCY_MS" 'BEGIN { print n * l / 1000 }')"
slowest=0
for p in runpod novita gcore hyperstack; do
  read -r t k <<<"$(timed --providers "$p")"
  printf '%-12s %8.2f %9d %14.2f\n' "$p alone" "$t" "$k" "$(awk -v n="$k" -v l="$LATENCY_MS" 'BEGIN { print n * l / 1000 }')"
  slowest=$(awk -v t="$t" -v s="$slowest" 'BEGIN { print (t > s ? t : s) }')
done
printf 'report / slowest provider alone: %.2f\n' "$(awk -v a="$all" -v s="$slowest" 'BEGIN { print a / s }')"
