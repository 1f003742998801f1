#!/usr/bin/env bash
# Install the Debian packages gictlm needs, only those that are missing.
# Run as root (or with sudo available). Safe to run repeatedly.
set -euo pipefail
PKGS=(cmake make g++ gcc clang pkg-config libsystemc-dev libgtest-dev libcjson-dev nlohmann-json3-dev
      python3 parallel gnuplot-nox zlib1g-dev libclang-rt-dev valgrind)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
