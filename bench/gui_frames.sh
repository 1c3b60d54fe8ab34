#!/usr/bin/env bash
# Frame times of the GUI while VGG16 loads and computes: plays bench/gui_frames.script under a
# virtual X server and prints the worst and 99th-percentile frame (UI-thread CPU and wall) and
# resident memory. Usage: bench/gui_frames.sh [build-dir]  (default build/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
xvfb-run -a -s "-screen 0 1600x1000x24" \
  "${CONVLENS_BIN:-$build/src/convlens}" --screenshot "$out/shot.png" --model vgg16 --timing --frames 20 \
  --script "$root/bench/gui_frames.script" --size 1400x900
