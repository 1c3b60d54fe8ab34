#!/usr/bin/env bash
# The README's first command: install what is missing, build, open the GUI (trained LeNet-5
# on MNIST digits). Extra arguments go to convlens (e.g. a subcommand).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
CONVLENS_TESTS=OFF bash "$root/scripts/build.sh" -DCONVLENS_TESTS=OFF -DCONVLENS_BENCH=OFF
exec "${CONVLENS_BUILD_DIR:-$root/build}/convlens" "$@"
