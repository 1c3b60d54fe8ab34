// Row-major GEMM on Eigen's packed kernel, called directly with no parallel-info (what Eigen's
// own dispatcher does when it decides on one thread); large products through Eigen's threads.
#include "engine/ops/gemm.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstring>

#include "engine/error.h"

namespace cl {

namespace {
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstStrided = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;
using Strided = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;

// ---- Few columns (n <= 4 vectors): C rows computed R at a time, streaming A once -------------
// Eigen tiles a row-major C along n, 48 columns per register tile with AVX-512, so a product
// with n = 49 (a 7x7 map: ResNet-18's layer4, GoogLeNet's 5x layers) wastes most of a second
// tile and re-packs all of A (9.4 MB for a 512-channel 3x3 layer) per call. Here B (k x n,
// a few hundred kB) stays in cache while each row of A streams through once; the vectors of
// a row cover columns [0, n) with the last one shifted left to end at n (recomputing a few
// columns instead of reading past the row).
typedef float Vec8 __attribute__((vector_size(32)));
typedef float Vec16 __attribute__((vector_size(64)));
#if defined(__AVX512F__)
using Vec = Vec16;
constexpr int k_registers = 32;
#else
using Vec = Vec8;
constexpr int k_registers = 16;
#endif
constexpr int k_lanes = int(sizeof(Vec) / sizeof(float));
constexpr int k_max_column_vectors = 4;

inline Vec load(const float* p) {
    Vec v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}
inline void store(float* p, Vec v) {
    std::memcpy(p, &v, sizeof(v));
}

// Rows [row, row + R) of C; NV vectors per row at column offsets `at`.
template <int R, int NV>
void few_columns_rows(const GemmArgs& g, int row, const int* at) {
    Vec acc[R][NV] = {};
    const float* a = g.a + int64_t(row) * g.lda;
    for (int k = 0; k < g.k; ++k) {
        const float* b_row = g.b + int64_t(k) * g.ldb;
        Vec b[NV];
        for (int j = 0; j < NV; ++j) b[j] = load(b_row + at[j]);
        for (int r = 0; r < R; ++r) {
            const float w = a[int64_t(r) * g.lda + k];
            for (int j = 0; j < NV; ++j) acc[r][j] += w * b[j];
        }
    }
    for (int r = 0; r < R; ++r) {
        float* c = g.c + int64_t(row + r) * g.ldc;
        if (g.accumulate) {  // read all of the row before writing any: vectors may overlap
            Vec old[NV];
            for (int j = 0; j < NV; ++j) old[j] = load(c + at[j]);
            for (int j = 0; j < NV; ++j) acc[r][j] += old[j];
        }
        for (int j = 0; j < NV; ++j) store(c + at[j], acc[r][j]);
    }
}

// As many rows per step as leave registers for B's vectors.
template <int NV>
constexpr int rows_per_step() {
    return std::max(1, std::min(8, (k_registers - NV - 2) / NV));
}

template <int NV>
void few_columns(const GemmArgs& g, bool threads) {
    constexpr int R = rows_per_step<NV>();
    int at[NV];
    for (int j = 0; j < NV; ++j) at[j] = std::min(j * k_lanes, g.n - k_lanes);
    const int steps = g.m / R;
#pragma omp parallel for schedule(static) if (threads)
    for (int step = 0; step < steps; ++step) few_columns_rows<R, NV>(g, step * R, at);
    for (int row = steps * R; row < g.m; ++row) few_columns_rows<1, NV>(g, row, at);
}

bool few_columns_fits(const GemmArgs& g) {
    return g.n >= 2 * k_lanes && g.n <= k_max_column_vectors * k_lanes && g.k >= 64 && g.m >= 16;
}

void gemm_few_columns(const GemmArgs& g, bool threads) {
    switch ((g.n + k_lanes - 1) / k_lanes) {
        case 2:
            return few_columns<2>(g, threads);
        case 3:
            return few_columns<3>(g, threads);
        default:
            return few_columns<4>(g, threads);
    }
}

void gemm_serial(const GemmArgs& g) {
    using Index = Eigen::Index;
    using Kernel =
        Eigen::internal::general_matrix_matrix_product<Index, float, Eigen::RowMajor, false, float,
                                                       Eigen::RowMajor, false, Eigen::RowMajor, 1>;
    Eigen::internal::gemm_blocking_space<Eigen::RowMajor, float, float, Eigen::Dynamic,
                                         Eigen::Dynamic, Eigen::Dynamic, 1, false>
        blocking(g.m, g.n, g.k, 1, true);
    if (!g.accumulate)
        for (int i = 0; i < g.m; ++i) std::fill_n(g.c + int64_t(i) * g.ldc, g.n, 0.0f);
    Kernel::run(g.m, g.n, g.k, g.a, g.lda, g.b, g.ldb, g.c, 1, g.ldc, 1.0f, blocking, nullptr);
}
}  // namespace

void gemm(const GemmArgs& g) {
    CL_ASSERT(g.lda >= g.k && g.ldb >= g.n && g.ldc >= g.n);
    if (g.m == 0 || g.n == 0) return;
    if (g.k == 0) {
        if (!g.accumulate)
            for (int i = 0; i < g.m; ++i) std::fill_n(g.c + int64_t(i) * g.ldc, g.n, 0.0f);
        return;
    }
    const bool threads = g.allow_threads && int64_t(g.m) * g.n * g.k >= k_min_parallel_macs;
    if (few_columns_fits(g)) {
        gemm_few_columns(g, threads);
        return;
    }
    if (!threads) {
        gemm_serial(g);
        return;
    }
    // Eigen's threaded product: one lock-step part per thread over shared packed panels.
    // Measured against independent chunks handed out dynamically (docs/benchmarks.md): on this
    // busy 2-core machine the chunks were slower, since Eigen's back-to-back regions keep the
    // second thread spinning instead of asleep.
    ConstStrided a(g.a, g.m, g.k, Eigen::OuterStride<>(g.lda));
    ConstStrided b(g.b, g.k, g.n, Eigen::OuterStride<>(g.ldb));
    Strided c(g.c, g.m, g.n, Eigen::OuterStride<>(g.ldc));
    if (g.accumulate)
        c.noalias() += a * b;
    else
        c.noalias() = a * b;
}

}  // namespace cl
