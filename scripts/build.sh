#!/usr/bin/env bash
# Configures and builds ConvLens into build/ (Release, -j2). Used by run.sh and test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${CONVLENS_BUILD_DIR:-$root/build}"
jobs="${CONVLENS_JOBS:-2}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build_dir" -j"$jobs"
