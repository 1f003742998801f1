#!/usr/bin/env bash
# Install what is missing, build, and run the main job. Extra arguments go to it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
bash "$here/scripts/build.sh" "$here/build" >/dev/null
if [ -x "$here/build/platforms/gictlm-platform" ]; then
  exec "$here/build/platforms/gictlm-platform" "$@"
fi
exec "$here/build/gictlm-demo" "$@"
