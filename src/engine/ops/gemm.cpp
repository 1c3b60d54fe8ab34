// Row-major GEMM on Eigen's packed kernel, called directly with no parallel-info (what Eigen's
// own dispatcher does when it decides on one thread); large products in blocks on the engine's
// pool; products only 2-4 vectors wide through a kernel of our own.
#include "engine/ops/gemm.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstring>

#include "engine/error.h"
#include "engine/ops/simd.h"
#include "engine/parallel.h"

namespace cl {

namespace {

// ---- Few columns (n <= 4 vectors): C rows computed R at a time, streaming A once -------------
// Eigen tiles a row-major C along n, 48 columns per register tile with AVX-512, so a product
// with n = 49 (a 7x7 map: ResNet-18's layer4, GoogLeNet's 5x layers) wastes most of a second
// tile and re-packs all of A (9.4 MB for a 512-channel 3x3 layer) per call. Here B (k x n,
// a few hundred kB) stays in cache while each row of A streams through once; the vectors of
// a row cover columns [0, n) with the last one shifted left to end at n (recomputing a few
// columns instead of reading past the row).
using Vec = VecWide;
constexpr int k_registers = k_vector_registers;
constexpr int k_lanes = vec_lanes<Vec>;
constexpr int k_max_column_vectors = 4;

// Rows [row, row + R) of C; NV vectors per row at column offsets `at`.
template <int R, int NV>
void few_columns_rows(const GemmArgs& g, int row, const int* at) {
    Vec acc[R][NV] = {};
    const float* a = g.a + int64_t(row) * g.lda;
    for (int k = 0; k < g.k; ++k) {
        const float* b_row = g.b + int64_t(k) * g.ldb;
        Vec b[NV];
        for (int j = 0; j < NV; ++j) b[j] = vec_load<Vec>(b_row + at[j]);
        for (int r = 0; r < R; ++r) {
            const float w = a[int64_t(r) * g.lda + k];
            for (int j = 0; j < NV; ++j) acc[r][j] += w * b[j];
        }
    }
    for (int r = 0; r < R; ++r) {
        float* c = g.c + int64_t(row + r) * g.ldc;
        if (g.accumulate) {  // read all of the row before writing any: vectors may overlap
            Vec old[NV];
            for (int j = 0; j < NV; ++j) old[j] = vec_load<Vec>(c + at[j]);
            for (int j = 0; j < NV; ++j) acc[r][j] += old[j];
        }
        for (int j = 0; j < NV; ++j) vec_store(c + at[j], acc[r][j]);
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
    parallel_for_if(threads, steps, [&](int step) { few_columns_rows<R, NV>(g, step * R, at); });
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

// A transposed operand is the other storage order of the same memory: Eigen's kernel packs
// either, exactly as it does for `x.transpose()` in an Eigen expression.
template <int AOrder, int BOrder>
void gemm_kernel(const GemmArgs& g) {
    using Index = Eigen::Index;
    using Kernel =
        Eigen::internal::general_matrix_matrix_product<Index, float, AOrder, false, float, BOrder,
                                                       false, Eigen::RowMajor, 1>;
    Eigen::internal::gemm_blocking_space<Eigen::RowMajor, float, float, Eigen::Dynamic,
                                         Eigen::Dynamic, Eigen::Dynamic, 1, false>
        blocking(g.m, g.n, g.k, 1, true);
    Kernel::run(g.m, g.n, g.k, g.a, g.lda, g.b, g.ldb, g.c, 1, g.ldc, 1.0f, blocking, nullptr);
}

void gemm_serial(const GemmArgs& g) {
    if (!g.accumulate)
        for (int i = 0; i < g.m; ++i) std::fill_n(g.c + int64_t(i) * g.ldc, g.n, 0.0f);
    constexpr int row = Eigen::RowMajor, col = Eigen::ColMajor;
    if (g.transpose_a)
        g.transpose_b ? gemm_kernel<col, col>(g) : gemm_kernel<col, row>(g);
    else
        g.transpose_b ? gemm_kernel<row, col>(g) : gemm_kernel<row, row>(g);
}
// A large product in independent column blocks on the engine's pool (parallel.h), each through
// the serial kernel, two blocks a thread so that a thread that wakes late finds its share
// taken rather than holding the others up. Eigen's own threading packs A once for all threads
// and is faster on a quiet machine where A is large for the columns (AlexNet's conv2: 2.7
// against 3.2 ms), but it was OpenMP's: each product waited for every thread of the team, and
// mixing its spinning threads with the pool's made everything slower.
void gemm_parallel(const GemmArgs& g) {
    const int threads = parallel_team();
    if (threads == 1) return gemm_serial(g);
    const bool by_columns = g.n >= 256;
    const int unit = by_columns ? 16 : 8;  // columns: a vector's width; rows: a few
    const int extent = by_columns ? g.n : g.m;
    const int units = (extent + unit - 1) / unit;
    const int blocks = std::max(1, std::min(2 * threads, units));
    parallel_for(blocks, [&](int block) {
        const int begin = std::min(extent, int(int64_t(units) * block / blocks) * unit);
        const int end = std::min(extent, int(int64_t(units) * (block + 1) / blocks) * unit);
        if (end <= begin) return;
        GemmArgs part = g;
        if (by_columns) {
            part.n = end - begin;
            part.b = g.b + (g.transpose_b ? int64_t(begin) * g.ldb : begin);
            part.c = g.c + begin;
        } else {
            part.m = end - begin;
            part.a = g.a + (g.transpose_a ? begin : int64_t(begin) * g.lda);
            part.c = g.c + int64_t(begin) * g.ldc;
        }
        gemm_serial(part);
    });
}
}  // namespace

void gemm(const GemmArgs& g) {
    CL_ASSERT(g.lda >= (g.transpose_a ? g.m : g.k) && g.ldb >= (g.transpose_b ? g.k : g.n) &&
              g.ldc >= g.n);
    if (g.m == 0 || g.n == 0) return;
    if (g.k == 0) {
        if (!g.accumulate)
            for (int i = 0; i < g.m; ++i) std::fill_n(g.c + int64_t(i) * g.ldc, g.n, 0.0f);
        return;
    }
    const bool threads = g.allow_threads && int64_t(g.m) * g.n * g.k >= k_min_parallel_macs;
    if (!g.transpose_a && !g.transpose_b && few_columns_fits(g)) {
        gemm_few_columns(g, threads);
        return;
    }
    if (!threads) {
        gemm_serial(g);
        return;
    }
    gemm_parallel(g);
}

}  // namespace cl
