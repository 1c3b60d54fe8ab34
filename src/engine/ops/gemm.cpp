// Row-major GEMM on Eigen's packed kernel, called directly with no parallel-info (what Eigen's
// own dispatcher does when it decides on one thread); large products through Eigen's threads.
#include "engine/ops/gemm.h"

#include <Eigen/Core>
#include <algorithm>

#include "engine/error.h"

namespace cl {

namespace {
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstStrided = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;
using Strided = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;

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
    if (!g.allow_threads || int64_t(g.m) * g.n * g.k < k_min_parallel_macs) {
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
