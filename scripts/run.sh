#!/usr/bin/env bash
# Install what is missing, build the main job, and run it. Extra arguments go to it
# (try --help). Builds only what the main job needs, so a fresh machine gets there quickly.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
bash "$here/scripts/install-deps.sh"
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if [ -d "$here/build/platforms" ]; then
  cmake --build "$here/build" -j"$(nproc)" --target gictlm-platform >/dev/null
  exec "$here/build/platforms/gictlm-platform" "$@"
fi
# Without SystemC (not found by CMake) there is no platform: run the C demo.
cmake --build "$here/build" -j"$(nproc)" --target gictlm-demo >/dev/null
exec "$here/build/gictlm-demo" "$@"
