#!/usr/bin/env bash
# Installs a gictlm build into a fresh prefix and builds and runs the consumer
# examples out of tree against it, the way another project would:
#   c/        find_package(gictlm), target gictlm::capi       (gcc and clang)
#   c/        pkg-config gictlm, compiler command line         (gcc and clang)
#   systemc/  find_package(gictlm COMPONENTS systemc)          (g++ and clang++; when installed)
#   subdir/   add_subdirectory(<gictlm source>) in a parent project (tests off there)
# Usage: tests/consumer/run.sh BUILD_DIR WORK_DIR   (ctest: consumer.install_and_build)
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:?build dir}"; work="${2:?work dir}"
here="$src/tests/consumer"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
rm -rf "$work"; mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
echo "consumer: installed into $prefix"
have() { command -v "$1" >/dev/null 2>&1; }
cc_list=(gcc); have clang && cc_list+=(clang)
cxx_list=(g++); have clang++ && cxx_list+=(clang++)

for cc in "${cc_list[@]}"; do
  b="$work/c-$cc"
  cmake -S "$here/c" -B "$b" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" >"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
  cmake --build "$b" >>"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
  "$b/consumer_c"
  echo "consumer: C, find_package, $cc: OK"
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  # shellcheck disable=SC2046
  "$cc" -std=c11 -o "$work/pc-$cc" "$here/c/consumer.c" $(pkg-config --cflags --libs gictlm)
  "$work/pc-$cc"
  echo "consumer: C, pkg-config, $cc: OK"
done

if [ -f "$prefix/lib/libgictlm_tlm.a" ]; then
  for cxx in "${cxx_list[@]}"; do
    b="$work/sc-$cxx"
    cmake -S "$here/systemc" -B "$b" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" >"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
    cmake --build "$b" >>"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
    "$b/consumer_sc"
    echo "consumer: SystemC platform, find_package, $cxx: OK"
  done
else
  echo "consumer: gictlm was built without SystemC: no SystemC consumer"
fi

b="$work/subdir"
cmake -S "$here/subdir" -B "$b" -DGICTLM_SOURCE="$src" -DCMAKE_BUILD_TYPE=Release >"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
cmake --build "$b" --target consumer_subdir -j2 >>"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
"$b/consumer_subdir"
if [ -e "$b/gictlm/tests" ]; then echo "consumer: add_subdirectory built gictlm's tests (should be off)"; exit 1; fi
echo "consumer: add_subdirectory: OK"
