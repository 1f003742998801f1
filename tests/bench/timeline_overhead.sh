#!/usr/bin/env bash
# BENCH timeline_overhead: host time of the default main job with the timeline
# view of the whole run (--timeline-window 0:, every MSI, slice, flow and
# counter: the worst case) over the same run without it; and
# timeline_overhead_window with the default bounded window (first 2 ms).
# Wall-clock of the whole process, median of 3 runs each, interleaved.
# Target: <= 2x. Usage: timeline_overhead.sh GICTLM_PLATFORM [WORK_DIR]
set -euo pipefail
plat="${1:?gictlm-platform}"; work="${2:-.}"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
out="$work/bench-timeline.json"
t() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
base=(); full=(); win=()
for i in 1 2 3; do
  base+=("$(t "$plat")")
  full+=("$(t "$plat" --timeline "$out" --timeline-window 0:)")
  win+=("$(t "$plat" --timeline "$out")")
done
size=$(stat -c %s "$out")
rm -f "$out"
b=$(median "${base[@]}"); f=$(median "${full[@]}"); w=$(median "${win[@]}")
echo "timeline_overhead: main job $((b / 1000)) ms, with the whole-run timeline $((f / 1000)) ms, with the default window $((w / 1000)) ms (last file $size bytes)"
awk -v b="$b" -v f="$f" -v w="$w" 'BEGIN { printf "BENCH timeline_overhead %.2f x\nBENCH timeline_overhead_window %.2f x\n", f / b, w / b }'
