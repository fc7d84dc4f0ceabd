# Sourced by the bench scripts: start_fakecloud ARGS... starts gpubill-fakecloud on a free
# 127.0.0.1 port with ARGS, stops it on exit, and sets FAKECLOUD_URL and FAKECLOUD_LOG (its
# stdout: the "listening on" line and, with --runpod-bulk, the bulk answer's size and total).
start_fakecloud() {
  FAKECLOUD_LOG=$(mktemp)
  "$BUILD_DIR/tests/gpubill-fakecloud" "$@" >"$FAKECLOUD_LOG" 2>&1 &
  FAKECLOUD_PID=$!
  trap 'kill $FAKECLOUD_PID 2>/dev/null || true; wait $FAKECLOUD_PID 2>/dev/null || true; rm -f "$FAKECLOUD_LOG"' EXIT
  FAKECLOUD_URL=""
  for _ in $(seq 1 600); do
    FAKECLOUD_URL=$(sed -n 's/^listening on //p' "$FAKECLOUD_LOG"); [ -n "$FAKECLOUD_URL" ] && break
    kill -0 "$FAKECLOUD_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$FAKECLOUD_URL" ] || { echo "fake cloud did not start:" >&2; cat "$FAKECLOUD_LOG" >&2; exit 1; }
}
