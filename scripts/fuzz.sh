#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, AddressSanitizer + UBSan) in build-fuzz/ and
# runs each for MINUTES (default 2) on one core, starting from the committed seed corpora in
# tests/fuzz/corpus/<target>/. Findings land in build-fuzz/findings/<target>/; each run's
# last status line (executions, coverage) is printed at the end. Installs clang when missing.
#
#   scripts/fuzz.sh [MINUTES] [TARGET...]     targets: onnx safetensors npy idx image kernel
#                                                      session script (default: all)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-2}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(onnx safetensors npy idx image kernel session script)

need=()
for p in clang libclang-rt-14-dev libomp-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update
  $sudo_cmd apt-get install -y --no-install-recommends "${need[@]}"
fi

build="$root/build-fuzz"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DCONVLENS_FUZZ=ON -DCONVLENS_TESTS=OFF -DCONVLENS_BENCH=OFF \
  -DCONVLENS_NATIVE=OFF
cmake --build "$build" -j2 --target fuzz_corpus $(printf 'fuzz_%s ' "${targets[@]}")

# The seeds: the committed corpus, refreshed by the project's own writers.
"$build/tests/fuzz/fuzz_corpus" "$root/tests/fuzz/corpus"

export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
summary=()
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  findings="$build/findings/$t"
  mkdir -p "$work" "$findings"
  log="$build/fuzz_$t.log"
  echo "fuzz.sh: $t for $minutes min"
  # -rss_limit_mb: a reader that allocates what a lying header asks for is a finding.
  set +e
  "$build/tests/fuzz/fuzz_$t" "$work" "$root/tests/fuzz/corpus/$t" \
    -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1
  code=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  found=$(find "$findings" -type f | wc -l)
  summary+=("$t: $runs executions, exit $code, $found finding(s) in $findings")
done
printf '%s\n' "${summary[@]}"
