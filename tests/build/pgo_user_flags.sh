#!/usr/bin/env bash
# The PGO sub-build gets the user's compiler flags (CMakeLists.txt,
# "profile-guided optimisation, step 2"): configure a fresh Release build with
# marker macros in CMAKE_C_FLAGS_RELEASE and CMAKE_CXX_FLAGS, configure its
# instrumented copy, and find the markers in that copy's cache. Without them
# the profile comes from other code and GCC stops on the functions whose
# counts are missing. Exit 77 (skipped) where the build has no PGO step
# (another compiler, no SystemC).
# Usage: pgo_user_flags.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cmake -S "$src" -B "$work" -DCMAKE_BUILD_TYPE=Release -DGICTLM_BUILD_TESTS=OFF \
  "-DCMAKE_C_FLAGS_RELEASE=-O3 -DNDEBUG -DGICTLM_PROBE_C_RELEASE" \
  "-DCMAKE_CXX_FLAGS=-DGICTLM_PROBE_CXX" > "$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
targets=$(cmake --build "$work" --target help)
if ! grep -q 'gictlm_pgo_instrumented-configure' <<< "$targets"; then
  echo "pgo_user_flags: this build has no PGO step: skipped"
  exit 77
fi
cmake --build "$work" --target gictlm_pgo_instrumented-configure > "$work/sub-configure.log" 2>&1 ||
  { cat "$work/sub-configure.log"; exit 1; }
cache=$work/pgo/build/CMakeCache.txt
fail=0
for want in 'CMAKE_C_FLAGS_RELEASE:STRING=-O3 -DNDEBUG -DGICTLM_PROBE_C_RELEASE' \
            'CMAKE_CXX_FLAGS:STRING=-DGICTLM_PROBE_CXX'; do
  if grep -qxF "$want" "$cache"; then
    echo "pgo_user_flags: the instrumented copy has $want"
  else
    echo "pgo_user_flags: the instrumented copy lacks $want; it has:"
    grep -E '^CMAKE_(C|CXX)_FLAGS(_RELEASE)?:' "$cache" || true
    fail=1
  fi
done
rm -rf "$work"
exit $fail
