#!/usr/bin/env bash
# `make demo` as a golden file (fixtures/golden/demo.txt): what a newcomer sees first is a
# reviewed diff like every --help screen. GPUBILL_UPDATE_GOLDEN=1 rewrites the file.
# Usage: tests/demo_golden.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: demo_golden.sh BUILD_DIR}
golden=fixtures/golden/demo.txt
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
# What changes from run to run is the fake cloud's port, the demo's temporary directory, the
# time config check's requests took, and when the ledger's syncs ran (the machine's clock).
# jq may or may not be installed: its part is left out here.
env -u COLUMNS -u NO_COLOR JQ=none BUILD_DIR="$build" GPUBILL_NOW=2026-11-23T12:00:00Z \
  tools/demo.sh 2>&1 |
  sed -E -e 's#http://127\.0\.0\.1:[0-9]+#http://127.0.0.1:PORT#g' \
         -e 's#/[^ ]*/tmp\.[A-Za-z0-9]+/#$TMP/#g' -e 's#, [0-9]+ ms\)#, N ms)#' \
         -e 's#[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z  ok#SYNC-TIME             ok#' >"$actual"
if [ "${GPUBILL_UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$actual" "$golden"
  echo "demo_golden: rewrote $golden"
  exit 0
fi
[ -f "$golden" ] || { echo "demo_golden: $golden is missing: run with GPUBILL_UPDATE_GOLDEN=1" >&2; exit 1; }
if ! diff -u "$golden" "$actual"; then
  echo "demo_golden: make demo's output differs from $golden (GPUBILL_UPDATE_GOLDEN=1 rewrites it)" >&2
  exit 1
fi
echo "demo_golden: make demo prints $golden exactly ($(wc -l <"$golden") lines)"
