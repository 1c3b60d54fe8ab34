// gemm() with a transposed operand (what Conv2d's and Linear's backward and Linear's batched
// forward pass to it) against a triple loop, serial and split over the pool by rows or columns.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/gemm.h"
#include "engine/threading.h"
#include "testing.h"

namespace cl {
namespace {

using testing::random_tensor;

struct TransposedCase {
    const char* name;
    int m, n, k, pad;  // pad: extra elements in every leading dimension
    bool transpose_a, transpose_b, accumulate;
};
void PrintTo(const TransposedCase& c, std::ostream* os) {
    *os << c.name;
}

class GemmTransposed : public ::testing::TestWithParam<TransposedCase> {};

TEST_P(GemmTransposed, MatchesTripleLoopAtOneAndTwoThreads) {
    const TransposedCase c = GetParam();
    // a is [m, k] or, transposed, [k, m]; b is [k, n] or [n, k]; each row padded by c.pad.
    const int lda = (c.transpose_a ? c.m : c.k) + c.pad;
    const int ldb = (c.transpose_b ? c.k : c.n) + c.pad, ldc = c.n + c.pad;
    const Tensor a = random_tensor({1, 1, c.transpose_a ? c.k : c.m, lda}, 11);
    const Tensor b = random_tensor({1, 1, c.transpose_b ? c.n : c.k, ldb}, 12);
    const Tensor start = random_tensor({1, 1, c.m, ldc}, 13);
    auto a_at = [&](int i, int p) {
        return c.transpose_a ? a[int64_t(p) * lda + i] : a[int64_t(i) * lda + p];
    };
    auto b_at = [&](int p, int j) {
        return c.transpose_b ? b[int64_t(j) * ldb + p] : b[int64_t(p) * ldb + j];
    };
    const int saved = thread_count();
    for (int threads : {1, 2}) {
        set_thread_count(threads);
        Tensor out = start.clone();
        GemmArgs g;
        g.m = c.m;
        g.n = c.n;
        g.k = c.k;
        g.a = a.data();
        g.b = b.data();
        g.c = out.data();
        g.lda = lda;
        g.ldb = ldb;
        g.ldc = ldc;
        g.transpose_a = c.transpose_a;
        g.transpose_b = c.transpose_b;
        g.accumulate = c.accumulate;
        gemm(g);
        double worst = 0;
        for (int i = 0; i < c.m; ++i)
            for (int j = 0; j < ldc; ++j) {
                const float got = out[int64_t(i) * ldc + j];
                const float before = start[int64_t(i) * ldc + j];
                if (j >= c.n) {  // padding is never written
                    ASSERT_EQ(got, before) << i << "," << j << ", " << threads << " threads";
                    continue;
                }
                double sum = c.accumulate ? before : 0.0;
                for (int p = 0; p < c.k; ++p) sum += double(a_at(i, p)) * b_at(p, j);
                worst = std::max(worst, std::fabs(sum - got) / (1.0 + std::fabs(sum)));
            }
        EXPECT_LT(worst, 1e-4) << threads << " threads";
    }
    set_thread_count(saved);
}

// Threaded cases are above k_min_parallel_macs: n >= 256 splits by columns, else by rows.
const TransposedCase k_cases[] = {
    {"a_t_small", 7, 13, 5, 0, true, false, false},
    {"b_t_small_strided_accumulate", 7, 13, 5, 3, false, true, true},
    {"both_t_small", 9, 6, 11, 1, true, true, false},
    {"b_t_few_columns_shape", 37, 49, 200, 0, false, true, false},
    {"a_t_threaded_by_columns", 64, 300, 260, 2, true, false, true},
    {"b_t_threaded_by_columns", 65, 301, 259, 5, false, true, false},
    {"a_t_threaded_by_rows", 400, 120, 100, 1, true, false, true},
    {"b_t_threaded_by_rows", 401, 130, 90, 0, false, true, true},
    {"both_t_threaded", 128, 260, 140, 3, true, true, false},
};

INSTANTIATE_TEST_SUITE_P(Gemm, GemmTransposed, ::testing::ValuesIn(k_cases),
                         [](const ::testing::TestParamInfo<TransposedCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(GemmTransposedThreshold, ThreadedCasesAreAboveIt) {
    EXPECT_GE(int64_t(400) * 120 * 100, k_min_parallel_macs);
    EXPECT_GE(int64_t(401) * 130 * 90, k_min_parallel_macs);
    EXPECT_GE(int64_t(128) * 260 * 140, k_min_parallel_macs);
}

}  // namespace
}  // namespace cl
