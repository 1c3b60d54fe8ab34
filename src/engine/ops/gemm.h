// One GEMM entry point for the ops: row-major C = A*B (or C += A*B) that stays on the calling
// thread when the product is too small for a second thread to pay for its wake-up.
#pragma once

#include <cstdint>

namespace cl {

// Below this many multiply-accumulates a product runs on the calling thread: waking a second
// thread costs microseconds on an idle machine and milliseconds on a loaded one (it may wait
// for a time slice), while LeNet's whole conv2 is 240k MACs, about 5 us on one core.
constexpr int64_t k_min_parallel_macs = int64_t(1) << 22;

struct GemmArgs {
    int m = 0, n = 0, k = 0;   // C [m, n] = A [m, k] x B [k, n]
    const float* a = nullptr;  // row-major, row stride lda (transposed: a [k, m] read as A^T)
    const float* b = nullptr;  // row-major, row stride ldb (transposed: b [n, k] read as B^T)
    float* c = nullptr;        // row-major, row stride ldc
    int lda = 0, ldb = 0, ldc = 0;
    bool transpose_a = false;   // A(i, p) = a[p * lda + i]: backward's W^T x dY
    bool transpose_b = false;   // B(p, j) = b[j * ldb + p]: backward's dY x X^T, Linear's X x W^T
    bool accumulate = false;    // C += A*B instead of C = A*B
    bool allow_threads = true;  // false: always the calling thread (callers that thread)
};

// Eigen's packed GEMM kernel (or gemm.cpp's own for results 2-4 vectors wide); spread over the
// engine's threads (parallel.h) only when m*n*k >= k_min_parallel_macs.
void gemm(const GemmArgs& g);

}  // namespace cl
