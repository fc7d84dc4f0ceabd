#!/usr/bin/env bash
# make demo: start the bundled fake cloud on 127.0.0.1, run real gpubill commands against it,
# stop it. Nothing leaves this machine; the key below is the fake cloud's, not a real one.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
GPUBILL=${GPUBILL:-$BUILD_DIR/src/gpubill}   # tests/deb_check.sh: the installed one
FAKECLOUD="$BUILD_DIR/tests/gpubill-fakecloud"
for bin in "$GPUBILL" "$FAKECLOUD"; do
  [ -x "$bin" ] || { echo "demo: $bin is missing: run make first" >&2; exit 1; }
done

log=$(mktemp)
out=$(mktemp -d)
# The fake writes the environment that points gpubill at each of its providers (keys and base
# URLs, every registered provider) to $out/env before it says where it listens.
# One fake for every command: a Runpod minute quota above the spec's example 60.
"$FAKECLOUD" --env-file "$out/env" --runpod-minute-quota 200 >"$log" 2>&1 &
cloud_pid=$!
trap 'kill "$cloud_pid" 2>/dev/null || true; wait "$cloud_pid" 2>/dev/null || true; rm -rf "$log" "$out"' EXIT

url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on //p' "$log")
  [ -n "$url" ] && break
  kill -0 "$cloud_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.05
done
[ -n "$url" ] || { echo "demo: the fake cloud did not start" >&2; cat "$log" >&2; exit 1; }

# RUNPOD_API_KEY, GPUBILL_RUNPOD_URL (REST v1: retired, asked only with --api v1),
# GPUBILL_RUNPOD_V2_URL (REST v2: what auto asks), NOVITA_API_KEY, ..., VAST_API_KEY, GPUBILL_VAST_URL.
# shellcheck disable=SC1091
. "$out/env"
export XDG_CONFIG_HOME="$out"   # ignore any real config file of yours
# The fake cloud's data and clock stop at 2026-11-23 12:00 UTC: pin gpubill's clock to the same
# instant, so that "to now" and --last mean the same to both and every run prints the same.
export GPUBILL_NOW=${GPUBILL_NOW:-2026-11-23T12:00:00Z}
JQ=${JQ:-jq}   # tests/demo_golden.sh sets JQ=none: its golden file must not depend on jq

run() { echo; printf '$ gpubill'; printf ' %q' "${@:2}"; echo; "$@"; }
echo "Fake cloud on $url (Runpod, Novita, Gcore, Hyperstack and Vast.ai billing APIs as documented; data mid-2026)"
run "$GPUBILL" providers
run "$GPUBILL" config check
run "$GPUBILL" report --start 2026-10
run "$GPUBILL" report --start 2026-10 --group-by gpu
run "$GPUBILL" report --start 2026-10 --group-by provider --fx USD --fx EUR=1.08
run "$GPUBILL" report --start 2026-08 --end 2026-11 --group-by provider,month
run "$GPUBILL" runpod pods --bucket month --start 2026-08 --end 2026-12
run "$GPUBILL" runpod pods --last 3 --bucket day
run "$GPUBILL" runpod pods --bucket week --grouping podId --start 2026-10 --gpu-type "NVIDIA H100 80GB HBM3"
run "$GPUBILL" runpod endpoints --bucket month --start 2026-10 --grouping gpuTypeId
run "$GPUBILL" runpod network-volumes --bucket month --start 2026-09 --end 2026-11 -o csv
run "$GPUBILL" runpod pods --bucket day --start 2026-10-01 --end 2026-11-01 -o csv --out-file "$out/october.csv"
echo "(wrote $(($(wc -l <"$out/october.csv") - 1)) rows to october.csv)"
run "$GPUBILL" novita bills --category gpu --start 2026-08-01 --end 2026-11-01
run "$GPUBILL" novita usage --cycle month --start 2026-08 --end 2026-11
run "$GPUBILL" novita statements --start 2026-06-01 -o csv
run "$GPUBILL" novita balance
run "$GPUBILL" gcore totals --start 2026-09-01 --end 2026-11-01 --type ai_cluster --type volume
run "$GPUBILL" hyperstack history --start 2026-10
run "$GPUBILL" hyperstack vms --start 2026-10 -o csv
run "$GPUBILL" vast charges --start 2026-10
run "$GPUBILL" vast charges --start 2026-10 --type volume -o csv
run "$GPUBILL" vast balance
# The ledger: store two months, again (nothing changes), read them back without the API.
export GPUBILL_LEDGER="$out/ledger.db"
run "$GPUBILL" sync --start 2026-10
run "$GPUBILL" sync --providers gcore,vast
run "$GPUBILL" ledger status
run "$GPUBILL" report --start 2026-10 --from-ledger
# FOCUS for FinOps tools: a folder per billing month, one gzipped file per provider, a manifest.
run "$GPUBILL" export focus --start 2026-10 --end 2026-11 --from-ledger --dir "$out/focus"
echo; echo "\$ zcat \$TMP/focus/billing_period=2026-10/vast.csv.gz | head -3"
zcat "$out/focus/billing_period=2026-10/vast.csv.gz" | head -3
# A day later, Gcore's last day has been restated (late usage): the next sync keeps both.
before=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1
echo; echo "\$ gpubill sync --providers gcore   # a day later: Gcore restated 2026-11-22"
GPUBILL_GCORE_URL="$GPUBILL_GCORE_URL/fault/late-charges" "$GPUBILL" sync --providers gcore
run "$GPUBILL" gcore totals --start 2026-11 --from-ledger
echo; echo "\$ gpubill gcore totals --start 2026-11 --as-of \"\$before\"   # as it was before"
"$GPUBILL" gcore totals --start 2026-11 --as-of "$before"
if command -v "$JQ" >/dev/null; then
  echo; echo "\$ gpubill runpod pods --start 2026-10 -o json | jq '.totals'"
  "$GPUBILL" runpod pods --start 2026-10 -o json | "$JQ" '.totals'
fi
echo; echo "\$ RUNPOD_API_KEY=wrong-key gpubill runpod pods   # exit code 3"
RUNPOD_API_KEY=wrong-key "$GPUBILL" runpod pods || echo "(exit code $?)"
echo; echo "\$ NOVITA_API_KEY=wrong-key gpubill config check   # one line per provider, exit code 3"
NOVITA_API_KEY=wrong-key "$GPUBILL" config check || echo "(exit code $?)"
echo; echo "\$ gpubill runpod pods --bukcet day   # a typo: exit code 2"
"$GPUBILL" runpod pods --bukcet day || echo "(exit code $?)"
