#!/usr/bin/env bash
# The README's second command: install what is missing, build everything, check formatting and
# run every test, the GUI tests in a virtual X server (Xvfb) that this script starts itself.
# CONVLENS_TEST_LABELS_EXCLUDE (default "slow") skips the slower PyTorch comparisons.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${CONVLENS_BUILD_DIR:-$root/build}"
bash "$root/scripts/setup.sh"
bash "$root/scripts/check_format.sh"
bash "$root/scripts/build.sh" -DCONVLENS_TESTS=ON
exclude="${CONVLENS_TEST_LABELS_EXCLUDE-slow}"
ctest_args=(--test-dir "$build_dir" --output-on-failure -j2 --timeout 900)
[ -n "$exclude" ] && ctest_args+=(-LE "$exclude")
# One X server for all GUI tests: 1600x1000, 24-bit, Mesa's llvmpipe gives OpenGL 4.5 core.
exec xvfb-run -a -s "-screen 0 1600x1000x24" ctest "${ctest_args[@]}"
