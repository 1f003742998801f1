#!/usr/bin/env bash
# Build and run every test (ctest). With --sanitize: a separate ASan+UBSan build (clang)
# that also checks the CPU interface's HPPI cache against a full recomputation at every use.
# The sanitizer pass leaves out the tests that check the build itself rather than the
# code (labels docs: the user guide run as written in a fresh copy; package: install and
# out-of-tree consumers): they rebuild the project and ran in the plain pass already.
# Usage: scripts/test.sh [--sanitize]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
if [ "${1:-}" = "--sanitize" ]; then
  bdir="$here/build-asan"
  bash "$here/scripts/build.sh" "$bdir" -DGICTLM_SANITIZE=ON -DGICTLM_CHECK_HPPI_CACHE=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  bdir="$here/build"
  bash "$here/scripts/build.sh" "$bdir"
fi
cd "$bdir"
if [ "${1:-}" = "--sanitize" ]; then
  ctest --output-on-failure -j"$(nproc)" -LE '^(docs|package)$'
else
  ctest --output-on-failure -j"$(nproc)"
fi
