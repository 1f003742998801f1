#!/usr/bin/env bash
# The example sweep of docs/user-guide.md ("Sizing the caches"): runs
# docs/sweeps/cache-sizing.json with gictlm-sweep on all local cores (resumable),
# copies its plots (PNG and SVG) into docs/img/sweep/ and writes the answer tables
# docs/img/sweep/answer.md (smallest event cache with MSI -> IAR p99 < 1 us per load,
# LPI cache 256) and answer-by-lpi.md (the same per LPI cache size at 0.5 MSI/us).
#
# usage: scripts/sweep-example.sh [--tiny] [BUILD_DIR]      (default BUILD_DIR: build)
#   --tiny  CI check of this script: the same sweep reduced to 2-3 values per parameter,
#           2 seeds and 0.5 ms of MSIs, in BUILD_DIR/sweep-example-tiny; checks that the
#           merged CSV has every row and that every plot exists as PNG and SVG; docs/
#           is not touched.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tiny=0
if [ "${1:-}" = "--tiny" ]; then tiny=1; shift; fi
bdir="$(cd "${1:-$here/build}" && pwd)"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
sweep="$here/docs/sweeps/cache-sizing.json"
if [ "$tiny" = 1 ]; then
  out="$bdir/sweep-example-tiny"
  rm -rf "$out"
  mkdir -p "$out"
  "$py" - "$sweep" "$out/cache-sizing-tiny.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["name"] = "cache-sizing-tiny"
s["fixed"]["platform.sim_time_us"] = 500
s["parameters"] = {"gic.its.event_cache.entries": [4, 128], "gic.lpi.cache.entries": [16, 256],
                   "platform.msi_interval_ns": [4000, 16000, 64000]}
s["repetitions"] = 2
json.dump(s, open(sys.argv[2], "w"), indent=1)
PY
  sweep="$out/cache-sizing-tiny.json"
else
  out="$bdir/sweep-example"
fi
set +e
nice -n 10 "$py" "$here/scripts/gictlm-sweep" run "$sweep" -o "$out" --bin-dir "$bdir"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "sweep-example: gictlm-sweep exited $rc" >&2
  exit 1
fi
"$py" - "$sweep" "$out" "$tiny" <<'PY'
import csv, json, os, sys
spec, out, tiny = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3] == "1"
rows = list(csv.DictReader(open(os.path.join(out, "results.csv"))))
n = 1
for v in spec["parameters"].values():
    n *= len(v) if isinstance(v, list) else 1
expect = n * spec["repetitions"] if tiny else len(json.load(open(os.path.join(out, "runs.json"))))
bad = [r["id"] for r in rows if r["status"] != "ok"]
if len(rows) != expect or bad:
    sys.exit(f"sweep-example: results.csv has {len(rows)} rows (expected {expect}), not ok: {bad}")
for p in spec["plots"]:
    for ext, magic in ((".png", b"\x89PNG"), (".svg", b"<svg")):
        f = os.path.join(out, "plots", p["name"] + ext)
        data = open(f, "rb").read() if os.path.isfile(f) else b""
        if magic not in data[:400]:
            sys.exit(f"sweep-example: plot {f} missing or not a {ext} file")
print(f"sweep-example: {len(rows)} runs ok, {len(spec['plots'])} plots as PNG and SVG in {out}/plots")
PY
if [ "$tiny" = 0 ]; then
  img="$here/docs/img/sweep"
  mkdir -p "$img"
  for p in "$out"/plots/*.png "$out"/plots/*.svg; do cp "$p" "$img/"; done
  "$py" "$here/scripts/gictlm-sweep" smallest "$sweep" -o "$out" --param gic.its.event_cache.entries \
    --metric iar_p99_ns --below 1000 --where gic.lpi.cache.entries=256 > "$img/answer.md"
  "$py" "$here/scripts/gictlm-sweep" smallest "$sweep" -o "$out" --param gic.its.event_cache.entries \
    --metric iar_p99_ns --below 1000 --where platform.msi_interval_ns=16000 > "$img/answer-by-lpi.md"
  cat "$img/answer.md" "$img/answer-by-lpi.md"
  echo "sweep-example: plots and answer tables in $img"
fi
