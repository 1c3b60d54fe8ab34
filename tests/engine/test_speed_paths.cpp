// The engine's fast paths against independent loops: the GEMM helper on both sides of its
// threading threshold, convolutions big enough to thread, max pooling's NaN rule, and the
// lazily allocated parameter gradients (inference allocates none) and Conv2d's cached Winograd
// weights (never stale after params(), clone or training).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/graph.h"
#include "engine/ops/gemm.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "engine/ops/winograd.h"
#include "engine/threading.h"
#include "engine/train/backprop.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::find_param;
using testing::random_tensor;
using testing::run_op;
using testing::set_param;

struct GemmCase {
    const char* name;
    int m, n, k, pad;  // pad: extra columns in every leading dimension (strided rows)
    bool accumulate;
};
void PrintTo(const GemmCase& c, std::ostream* os) {
    *os << c.name;
}

class GemmVsLoops : public ::testing::TestWithParam<GemmCase> {};

TEST_P(GemmVsLoops, MatchesTripleLoop) {
    const GemmCase c = GetParam();
    const int lda = c.k + c.pad, ldb = c.n + c.pad, ldc = c.n + c.pad;
    const Tensor a = random_tensor({1, 1, c.m, lda}, 1);
    const Tensor b = random_tensor({1, 1, c.k, ldb}, 2);
    Tensor out = random_tensor({1, 1, c.m, ldc}, 3);
    const Tensor before = out.clone();
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
    g.accumulate = c.accumulate;
    gemm(g);
    double worst = 0;
    for (int i = 0; i < c.m; ++i)
        for (int j = 0; j < ldc; ++j) {
            const float got = out[int64_t(i) * ldc + j];
            if (j >= c.n) {  // the padding columns are never written
                ASSERT_EQ(got, before[int64_t(i) * ldc + j]) << i << "," << j;
                continue;
            }
            double sum = c.accumulate ? before[int64_t(i) * ldc + j] : 0.0;
            for (int p = 0; p < c.k; ++p)
                sum += double(a[int64_t(i) * lda + p]) * b[int64_t(p) * ldb + j];
            worst = std::max(worst, std::fabs(sum - got) / (1.0 + std::fabs(sum)));
        }
    EXPECT_LT(worst, 1e-4);
}

const GemmCase k_gemm_cases[] = {
    {"tiny_1x1x1", 1, 1, 1, 0, false},
    {"odd_small", 7, 13, 5, 0, false},
    {"odd_small_strided_accumulate", 7, 13, 5, 3, true},
    {"lenet_conv2_serial", 16, 100, 150, 0, false},
    {"k0_clears", 3, 4, 0, 1, false},
    {"k0_accumulate_keeps", 3, 4, 0, 1, true},
    // Above k_min_parallel_macs: Eigen's threaded product.
    {"threaded", 64, 300, 260, 0, false},
    {"threaded_strided_accumulate", 65, 301, 259, 5, true},
    // Few columns (2-4 vectors, the last shifted left to end at n): rows not a multiple of the
    // rows per step, n just above and below a vector boundary, serial and threaded.
    {"few_columns_49_resnet_layer4", 37, 49, 200, 0, false},
    {"few_columns_49_strided_accumulate", 29, 49, 131, 7, true},
    {"few_columns_exactly_two_vectors", 19, 32, 64, 0, true},
    {"few_columns_33", 23, 33, 70, 2, false},
    {"few_columns_64_threaded", 512, 64, 600, 1, true},
    {"few_columns_17_eigen", 40, 17, 100, 0, true},
};

INSTANTIATE_TEST_SUITE_P(Gemm, GemmVsLoops, ::testing::ValuesIn(k_gemm_cases),
                         [](const ::testing::TestParamInfo<GemmCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(GemmThreshold, CasesStraddleIt) {
    EXPECT_LT(int64_t(16) * 100 * 150, k_min_parallel_macs);
    EXPECT_GE(int64_t(64) * 300 * 260, k_min_parallel_macs);
}

// Conv2d at 1 and 2 threads on both sides of the threshold, with padding, stride 2, groups.
struct ThreadedConvCase {
    const char* name;
    int cin, h, w, cout, k, s, p, g, n = 1;
};
void PrintTo(const ThreadedConvCase& c, std::ostream* os) {
    *os << c.name;
}
class ConvAtThreadCounts : public ::testing::TestWithParam<ThreadedConvCase> {};

TEST_P(ConvAtThreadCounts, MatchesLoops) {
    const ThreadedConvCase c = GetParam();
    const Conv2dParams params = conv(c.cout, c.k).with_stride(c.s).with_pad(c.p).with_groups(c.g);
    auto op = make_conv2d(c.cin, params);
    const Tensor x = random_tensor({c.n, c.cin, c.h, c.w}, 4);
    const Tensor weight = random_tensor({c.cout, c.cin / c.g, c.k, c.k}, 5);
    const Tensor bias = random_tensor({c.cout, 1, 1, 1}, 6);
    set_param(*op, "weight", weight);
    set_param(*op, "bias", bias);
    const Tensor expected = conv2d_reference(x, weight, &bias, params);
    const int saved = thread_count();
    for (int threads : {1, 2}) {
        set_thread_count(threads);
        EXPECT_TENSORS_CLOSE(run_op(*op, x), expected, 1e-4f, 1e-4f) << threads << " threads";
    }
    set_thread_count(saved);
}

const ThreadedConvCase k_threaded_conv_cases[] = {
    {"k3_s1_p1_c32_odd_threaded", 32, 41, 39, 17, 3, 1, 1, 1},
    {"k3_s2_p1_c48_threaded", 48, 45, 43, 40, 3, 2, 1, 1},
    {"k1_s1_p0_c96_direct_threaded", 96, 27, 29, 80, 1, 1, 0, 1},
    {"k3_s1_p0_g2_threaded", 64, 33, 35, 64, 3, 1, 0, 2},
    {"k5_s1_p2_c6_serial", 6, 15, 13, 16, 5, 1, 2, 1},
    // Several bands of output rows per sample: the bands are the threads' work items.
    {"k3_s2_p1_bands_batch2", 64, 90, 89, 8, 3, 2, 1, 1, 2},
    {"k1_direct_bands_batch2", 300, 64, 61, 8, 1, 1, 0, 1, 2},
    {"k3_s1_p0_bands_groups2", 96, 70, 67, 10, 3, 1, 0, 2, 1},
};

INSTANTIATE_TEST_SUITE_P(Conv2d, ConvAtThreadCounts, ::testing::ValuesIn(k_threaded_conv_cases),
                         [](const ::testing::TestParamInfo<ThreadedConvCase>& info) {
                             return std::string(info.param.name);
                         });

// Winograd F(2x2,3x3) and F(4x4,3x3) called directly (below the size where Conv2d picks them),
// against the textbook loops: odd and even sizes (partial edge tiles), padding 0/1/2, channels
// that are not multiples of 8, outputs of 1x1, and at 1, 2 and 4 threads.
struct WinogradCase {
    const char* name;
    int cin, cout, h, w, pad;
    bool bias;
};
void PrintTo(const WinogradCase& c, std::ostream* os) {
    *os << c.name;
}
class WinogradVsLoops : public ::testing::TestWithParam<WinogradCase> {};

TEST_P(WinogradVsLoops, MatchesLoops) {
    const WinogradCase c = GetParam();
    const Conv2dParams params = conv(c.cout, 3).with_pad(c.pad);
    const Tensor x = random_tensor({1, c.cin, c.h, c.w}, 11);
    const Tensor weight = random_tensor({c.cout, c.cin, 3, 3}, 12);
    const Tensor bias = random_tensor({c.cout, 1, 1, 1}, 13);
    const Tensor expected = conv2d_reference(x, weight, c.bias ? &bias : nullptr, params);
    WinogradShape s;
    s.cin = c.cin;
    s.cout = c.cout;
    s.height = c.h;
    s.width = c.w;
    s.pad = c.pad;
    s.out_h = expected.shape().h;
    s.out_w = expected.shape().w;
    const int saved = thread_count();
    for (int tile : {2, 4}) {
        s.tile = tile;
        const std::vector<float> u = winograd_weights(weight.data(), c.cout, c.cin, tile);
        for (int threads : {1, 2, 4}) {  // 4: more blocks than tiles can fill on 2 cores
            set_thread_count(threads);
            Tensor out = Tensor::filled(expected.shape(), 123.0f);  // every cell must be written
            Tensor relu = Tensor::filled(expected.shape(), 123.0f);
            winograd_conv3x3(x.data(), u.data(), c.bias ? bias.data() : nullptr, out.data(),
                             relu.data(), s);
            EXPECT_TENSORS_CLOSE(out, expected, 1e-4f, 1e-4f)
                << "F(" << tile << "x" << tile << ",3x3), " << threads << " threads";
            EXPECT_TENSORS_CLOSE(relu, run_op(*make_relu(), out), 0.0f, 0.0f) << "fused ReLU";
        }
    }
    set_thread_count(saved);
}

const WinogradCase k_winograd_cases[] = {
    {"out_1x1_pad0", 3, 2, 3, 3, 0, true},
    {"out_1x1_pad1", 5, 3, 1, 1, 1, true},
    {"odd_7x9_pad1", 3, 5, 7, 9, 1, true},
    {"even_8x6_pad0", 4, 7, 8, 6, 0, false},
    {"odd_channels_pad2", 13, 11, 10, 11, 2, true},
    {"one_row_pad0", 2, 3, 3, 12, 0, true},
    // Enough tiles and channels for several blocks spread over the threads.
    {"many_blocks_odd", 37, 45, 61, 59, 1, true},
    // 5 tiles in a column with enough channels to thread: at 4 threads the blocks are rounded up
    // to 4 of 2 tiles, and the last one is empty.
    {"tall_thin_empty_last_block", 256, 256, 9, 1, 1, true},
};

INSTANTIATE_TEST_SUITE_P(Winograd, WinogradVsLoops, ::testing::ValuesIn(k_winograd_cases),
                         [](const ::testing::TestParamInfo<WinogradCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(WinogradInConv2d, PickedForLargeLayersAndMatchesLoops) {
    // Large enough for Conv2d to choose Winograd; batch 2, groups 2, odd width. The full
    // reference would take seconds, so every border cell and a sample of the interior are
    // checked, in three output channels of each group.
    const int cin = 256, cout = 512, h = 56, w = 57;
    ASSERT_NE(winograd_tile_for(cin / 2, cout / 2, h, w), 0);
    const Conv2dParams params = conv(cout, 3).with_pad(1).with_groups(2);
    auto op = make_conv2d(cin, params);
    const Tensor x = random_tensor({2, cin, h, w}, 14);
    const Tensor weight = random_tensor({cout, cin / 2, 3, 3}, 15, -0.1f, 0.1f);
    const Tensor bias = random_tensor({cout, 1, 1, 1}, 16);
    set_param(*op, "weight", weight);
    set_param(*op, "bias", bias);
    const Tensor y = run_op(*op, x);
    int checked = 0;
    for (int n = 0; n < 2; ++n)
        for (int co : {0, 77, 255, 256, 400, 511})
            for (int oh = 0; oh < h; ++oh)
                for (int ow = 0; ow < w; ++ow) {
                    const bool border = oh == 0 || ow == 0 || oh == h - 1 || ow == w - 1;
                    if (!border && (oh * 31 + ow * 17) % 97 != 0) continue;
                    const float want = conv2d_reference_at(x, weight, &bias, params, n, co, oh, ow);
                    ASSERT_NEAR(y.at(n, co, oh, ow), want, 1e-4f * (1.0f + std::fabs(want)))
                        << n << "," << co << "," << oh << "," << ow;
                    ++checked;
                }
    EXPECT_GT(checked, 2000);
}

// Conv2d's Winograd path with its cached weight transform, at odd sizes and channel counts
// that are not multiples of 8: each forward is checked on every border cell and a sample of
// the interior against the textbook loops, and the second forward runs from the cache.
struct CachedWinogradCase {
    const char* name;
    int cin, cout, h, w, pad;
};
void PrintTo(const CachedWinogradCase& c, std::ostream* os) {
    *os << c.name;
}

// Number of cells checked; fails the test at the first mismatch.
int expect_conv_matches_loops(const Tensor& y, const Tensor& x, const Tensor& weight,
                              const Tensor& bias, const Conv2dParams& params) {
    int checked = 0;
    const Shape& s = y.shape();
    for (int co = 0; co < s.c; co += std::max(1, s.c / 5))
        for (int oh = 0; oh < s.h; ++oh)
            for (int ow = 0; ow < s.w; ++ow) {
                const bool border = oh == 0 || ow == 0 || oh == s.h - 1 || ow == s.w - 1;
                if (!border && (oh * 31 + ow * 17) % 41 != 0) continue;
                const float want = conv2d_reference_at(x, weight, &bias, params, 0, co, oh, ow);
                EXPECT_NEAR(y.at(0, co, oh, ow), want, 1e-4f * (1.0f + std::fabs(want)))
                    << co << "," << oh << "," << ow;
                if (std::fabs(y.at(0, co, oh, ow) - want) > 1e-4f * (1.0f + std::fabs(want)))
                    return checked;
                ++checked;
            }
    return checked;
}

class CachedWinogradVsLoops : public ::testing::TestWithParam<CachedWinogradCase> {};

TEST_P(CachedWinogradVsLoops, MatchesLoopsTwice) {
    const CachedWinogradCase c = GetParam();
    const Conv2dParams params = conv(c.cout, 3).with_pad(c.pad);
    auto op = make_conv2d(c.cin, params);
    const Tensor x = random_tensor({1, c.cin, c.h, c.w}, 21);
    const Tensor weight = random_tensor({c.cout, c.cin, 3, 3}, 22, -0.1f, 0.1f);
    const Tensor bias = random_tensor({c.cout, 1, 1, 1}, 23);
    set_param(*op, "weight", weight);
    set_param(*op, "bias", bias);
    const Tensor first = run_op(*op, x);
    ASSERT_NE(winograd_tile_for(c.cin, c.cout, first.shape().h, first.shape().w), 0);
    EXPECT_GT(expect_conv_matches_loops(first, x, weight, bias, params), 100);
    const Tensor second = run_op(*op, x);  // from the cached transform
    EXPECT_TENSORS_CLOSE(second, first, 0.0f, 0.0f);
}

const CachedWinogradCase k_cached_winograd_cases[] = {
    {"odd_pad1", 67, 69, 29, 31, 1},
    {"odd_pad0", 67, 69, 31, 29, 0},
    {"wide_odd_channels", 131, 133, 15, 17, 1},
};

INSTANTIATE_TEST_SUITE_P(CachedWinograd, CachedWinogradVsLoops,
                         ::testing::ValuesIn(k_cached_winograd_cases),
                         [](const ::testing::TestParamInfo<CachedWinogradCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(WinogradCache, NeverStale) {
    // A weight written through params() after a cached forward must show in the next forward;
    // a clone's edits must not reach the original; while training, writes through pointers kept
    // from an earlier params() call (as the optimizer does) must show too.
    const int cin = 67, cout = 69, h = 29, w = 31;
    const Conv2dParams params = conv(cout, 3).with_pad(1);
    auto op = make_conv2d(cin, params);
    const Tensor x = random_tensor({1, cin, h, w}, 24);
    Tensor weight = random_tensor({cout, cin, 3, 3}, 25, -0.1f, 0.1f);
    const Tensor bias = random_tensor({cout, 1, 1, 1}, 26);
    set_param(*op, "weight", weight);
    set_param(*op, "bias", bias);
    ASSERT_NE(winograd_tile_for(cin, cout, h, w), 0);
    const Tensor original = run_op(*op, x);

    weight = random_tensor(weight.shape(), 27, -0.1f, 0.1f);
    set_param(*op, "weight", weight);
    EXPECT_GT(expect_conv_matches_loops(run_op(*op, x), x, weight, bias, params), 100);

    const Tensor edited = run_op(*op, x);
    auto copy = op->clone();
    const Tensor other = random_tensor(weight.shape(), 28, -0.1f, 0.1f);
    set_param(*copy, "weight", other);
    EXPECT_GT(expect_conv_matches_loops(run_op(*copy, x), x, other, bias, params), 100);
    EXPECT_TENSORS_CLOSE(run_op(*op, x), edited, 0.0f, 0.0f);

    Tensor* kept = find_param(*op, "weight").value;
    op->set_training(true);
    run_op(*op, x);
    std::copy(other.data(), other.data() + other.numel(), kept->data());
    EXPECT_GT(expect_conv_matches_loops(run_op(*op, x), x, other, bias, params), 100);
}

TEST(LinearRowSplit, LargeMatrixVectorMatchesLoops) {
    // Above k_min_parallel_macs a batch of one is split by rows over the threads; odd sizes so
    // that the parts are uneven.
    const int in = 2053, out = 2047;
    ASSERT_GE(int64_t(in) * out, k_min_parallel_macs);
    auto op = make_linear(in, out);
    const Tensor weight = random_tensor({out, in, 1, 1}, 17);
    const Tensor bias = random_tensor({out, 1, 1, 1}, 18);
    set_param(*op, "weight", weight);
    set_param(*op, "bias", bias);
    const Tensor x = random_tensor({1, in, 1, 1}, 19);
    const Tensor expected = linear_reference(x, weight, &bias);
    const int saved = thread_count();
    for (int threads : {1, 2}) {
        set_thread_count(threads);
        EXPECT_TENSORS_CLOSE(run_op(*op, x), expected, 1e-4f, 1e-4f) << threads << " threads";
    }
    set_thread_count(saved);
}

TEST(MaxPoolFastPath, NanInAWindowGivesNan) {
    auto op = make_maxpool2d(pool(2, 2));
    Tensor x = Tensor::from_vector({1, 1, 2, 4}, {1, 5, 2, 3,  //
                                                  0, 4, 8, -1});
    x[2] = std::numeric_limits<float>::quiet_NaN();  // in the second window
    const Tensor y = run_op(*op, x);
    EXPECT_EQ(y[0], 5.0f);
    EXPECT_TRUE(std::isnan(y[1]));
    for (int corner = 0; corner < 4; ++corner) {  // whichever of the four cells holds it
        Tensor z = Tensor::filled({1, 1, 2, 2}, 1.0f);
        z[corner] = std::numeric_limits<float>::quiet_NaN();
        EXPECT_TRUE(std::isnan(run_op(*op, z)[0])) << corner;
    }
}

TEST(MaxPoolFastPath, NegativeInfinityAndLargeInputs) {
    auto op = make_maxpool2d(pool(3, 2).with_pad(1).with_ceil());
    const Tensor x = testing::distinct_tensor({2, 3, 9, 10}, 7, 1e3f);
    EXPECT_TENSORS_CLOSE(run_op(*op, x), maxpool2d_reference(x, pool(3, 2).with_pad(1).with_ceil()),
                         0.0f, 0.0f);
    const Tensor ninf = Tensor::filled({1, 1, 4, 4}, -std::numeric_limits<float>::infinity());
    const Tensor y = run_op(*op, ninf);
    for (int64_t i = 0; i < y.numel(); ++i) EXPECT_EQ(y[i], ninf[0]);
}

TEST(LazyGrads, InferenceAllocatesNoGradients) {
    Graph g("lazy");
    const int in = g.add_input("input", {1, 3, 8, 8});
    int x = g.add("conv", make_conv2d(3, conv(4, 3).with_pad(1)), {in});
    x = g.add("bn", make_batchnorm2d(4), {x});
    x = g.add("fc", make_linear(4 * 8 * 8, 5), {x});
    for (GraphParam& p : g.params()) *p.param.value = random_tensor(p.param.value->shape(), 8);
    g.set_training(true);
    Graph fresh = g.clone();
    const Activations acts = g.forward(random_tensor({2, 3, 8, 8}, 9));
    for (GraphParam& p : g.params()) {
        if (p.param.grad) {
            EXPECT_TRUE(p.param.grad->empty()) << p.name;
        }
    }

    graph_backward(g, acts, x, random_tensor(acts.outputs[size_t(x)].shape(), 10));
    for (GraphParam& p : g.params()) {
        if (!p.param.grad) continue;
        ASSERT_FALSE(p.param.grad->empty()) << p.name;
        EXPECT_EQ(p.param.grad->shape(), p.param.value->shape()) << p.name;
    }
    zero_param_grads(fresh);  // allocates zeros where nothing was allocated yet
    for (GraphParam& p : fresh.params()) {
        if (!p.param.grad) continue;
        ASSERT_EQ(p.param.grad->shape(), p.param.value->shape()) << p.name;
        for (int64_t i = 0; i < p.param.grad->numel(); ++i)
            ASSERT_EQ((*p.param.grad)[i], 0.0f) << p.name;
    }
}

}  // namespace
}  // namespace cl
