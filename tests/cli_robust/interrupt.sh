#!/usr/bin/env bash
# SIGINT (or SIGTERM) during a long run: the report and the JSON are written,
# marked partial, and the exit status is 128 + the signal.
# usage: interrupt.sh PLATFORM_EXE OUT_DIR INT|TERM
set -u
exe=$1 out=$2 sig=$3
mkdir -p "$out"
json="$out/partial-$sig.json"
rm -f "$json"
"$exe" -p platform.sim_time_us=100000000 --json "$json" > "$out/partial-$sig.txt" 2>&1 &
pid=$!
sleep 3
kill -"$sig" "$pid"
wait "$pid"
rc=$?
want=$([ "$sig" = INT ] && echo 130 || echo 143)
[ "$rc" = "$want" ] || { echo "exit status $rc, expected $want"; cat "$out/partial-$sig.txt"; exit 1; }
grep -q '^PARTIAL RUN: stopped by SIG' "$out/partial-$sig.txt" || { echo "no PARTIAL line in the report"; exit 1; }
grep -q '"partial": true' "$json" || { echo "JSON not marked partial"; exit 1; }
grep -q '"signal": "SIG' "$json" || { echo "JSON does not name the signal"; exit 1; }
grep -q '"conservation_ok"' "$json" || { echo "JSON has no MSI section"; exit 1; }
# MSIs on their way when the run stopped are in flight, not a violation
grep -q '"conservation_ok": true' "$json" || { echo "partial run: conservation reported violated"; grep -A3 '"conservation' "$json"; exit 1; }
echo "interrupted run: exit $rc, partial report and JSON written"
