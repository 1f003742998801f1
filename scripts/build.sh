#!/usr/bin/env bash
# Configure and build gictlm. Usage: scripts/build.sh [build-dir] [extra cmake args...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bdir="${1:-$here/build}"
shift || true
bash "$here/scripts/install-deps.sh"
cmake -S "$here" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$bdir" -j"$(nproc)"
