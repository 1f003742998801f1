#!/usr/bin/env bash
# Writes every observable result of a build into one folder, so that two builds (before and after a
# refactoring) can be compared with `diff -r`: the main job's JSON report (default configuration and
# each file in platforms/configs, host timing omitted), the timeline and statistics of every trace in
# traces/, and `gictlm-qemu-import --compare` on the shared QEMU samples (when ../shared is there).
# Usage: scripts/same-results.sh BUILD_DIR OUT_DIR [SAMPLES_DIR]
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
b="${1:?build dir}"; out="${2:?output dir}"; samples="${3:-$here/../shared/samples}"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
mkdir -p "$out"
plat="$b/platforms/gictlm-platform"
if [ -x "$plat" ]; then
  "$plat" --no-host-time --json "$out/platform-default.json" >/dev/null 2>&1 || echo "platform default failed" >&2
  for c in "$here"/platforms/configs/*.json; do
    n=$(basename "$c" .json)
    "$plat" --config "$c" --no-host-time --json "$out/platform-$n.json" >/dev/null 2>&1 || echo "platform $n failed" >&2
  done
fi
for t in "$here"/traces/*.trace; do
  n=$(basename "$t" .trace)
  "$b/gictlm-replay" -q -o "$out/replay-$n.timeline" -s "$out/replay-$n.stats.json" "$t" >/dev/null 2>&1 || echo "replay $n: exit $?" >>"$out/replay-exit.txt"
done
for log in "$samples"/qemu-gicv3/*.log.gz "$samples"/qemu-gicv4/*.log.gz; do
  [ -f "$log" ] || continue
  n=$(basename "$log" .log.gz)
  "$b/gictlm-qemu-import" --compare --min-agreement 0 "$log" >"$out/qemu-$n.compare.txt" 2>&1
  echo "exit $?" >>"$out/qemu-$n.compare.txt"
done
echo "same-results: wrote $(ls "$out" | wc -l) files to $out"
