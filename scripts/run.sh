#!/usr/bin/env bash
# Install what is missing, build the main job and the command-line tools, and run the main
# job. Extra arguments go to it (try --help). Builds only the programs (no tests, no
# benchmarks), so a fresh machine gets there quickly: in its own build directory (build-run)
# and without profile-guided optimisation, which would double the build time (same results;
# the default build, used by the tests and the benchmarks, simulates about 15% faster; see
# README). Built: build-run/platforms/gictlm-platform and gictlm-sc-replay (with SystemC),
# build-run/gictlm-replay, gictlm-demo and gictlm-qemu-import: every tool the user guide uses.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
bash "$here/scripts/install-deps.sh"
bdir="$here/build-run"
mkdir -p "$bdir"
if ! { cmake -S "$here" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGICTLM_PGO=OFF -DGICTLM_BUILD_TESTS=OFF &&
       cmake --build "$bdir" -j"$(nproc)"; } >"$bdir/build.log" 2>&1; then
  tail -n 40 "$bdir/build.log" >&2
  echo "run.sh: the build failed (full log: $bdir/build.log)" >&2
  exit 1
fi
if [ -x "$bdir/platforms/gictlm-platform" ]; then
  exec "$bdir/platforms/gictlm-platform" "$@"
fi
# Without SystemC (not found by CMake) there is no platform: run the C demo.
exec "$bdir/gictlm-demo" "$@"
