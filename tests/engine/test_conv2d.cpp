// Conv2d against the textbook loops (strides, padding, dilation, groups, odd sizes), a
// hand-computed case, its bookkeeping (params, MACs, geometry, clone) and its error messages.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/graph.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;
using testing::run_op;
using testing::set_param;

struct ConvCase {
    const char* name;
    int n, cin, h, w, cout, k, s, p, d, g;
    bool bias;
};
void PrintTo(const ConvCase& c, std::ostream* os) {
    *os << c.name;
}

class Conv2dVsReference : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Conv2dVsReference, MatchesLoops) {
    const ConvCase c = GetParam();
    const Conv2dParams params = [&] {
        Conv2dParams q =
            conv(c.cout, c.k).with_stride(c.s).with_pad(c.p).with_dilation(c.d).with_groups(c.g);
        return c.bias ? q : q.without_bias();
    }();
    auto op = make_conv2d(c.cin, params);
    const Tensor x = random_tensor({c.n, c.cin, c.h, c.w}, 1);
    const Tensor weight = random_tensor({c.cout, c.cin / c.g, c.k, c.k}, 2);
    const Tensor bias = random_tensor({c.cout, 1, 1, 1}, 3);
    set_param(*op, "weight", weight);
    if (c.bias) set_param(*op, "bias", bias);
    const Tensor expected = conv2d_reference(x, weight, c.bias ? &bias : nullptr, params);
    EXPECT_TENSORS_CLOSE(run_op(*op, x), expected, 1e-4f, 1e-4f);
}

const ConvCase k_conv_cases[] = {
    {"k1_s1_p0_g1_1x1fast", 2, 5, 7, 9, 6, 1, 1, 0, 1, 1, true},
    {"k1_s2_p0_g1", 1, 4, 9, 8, 3, 1, 2, 0, 1, 1, true},
    {"k1_s1_p1_g1", 1, 3, 5, 5, 2, 1, 1, 1, 1, 1, false},
    {"k3_s1_p1_g1", 2, 3, 11, 13, 8, 3, 1, 1, 1, 1, true},
    {"k3_s2_p1_g1", 1, 4, 13, 11, 5, 3, 2, 1, 1, 1, true},
    {"k3_s3_p0_g1", 1, 2, 14, 10, 3, 3, 3, 0, 1, 1, true},
    {"k3_s1_p0_g1_nobias", 1, 16, 9, 9, 16, 3, 1, 0, 1, 1, false},
    {"k5_s1_p2_g1_lenet", 1, 1, 28, 28, 6, 5, 1, 2, 1, 1, true},
    {"k5_s2_p3_g1", 2, 3, 15, 17, 4, 5, 2, 3, 1, 1, true},
    {"k7_s2_p3_g1_resnet_stem", 1, 3, 31, 29, 8, 7, 2, 3, 1, 1, false},
    {"k7_s3_p0_g1", 1, 2, 7, 9, 3, 7, 3, 0, 1, 1, true},
    {"k2_s2_p0_g1_even", 1, 3, 8, 9, 4, 2, 2, 0, 1, 1, true},
    {"k4_s1_p2_g1_even", 1, 2, 7, 6, 3, 4, 1, 2, 1, 1, true},
    {"k3_s1_p1_g2", 2, 6, 9, 7, 4, 3, 1, 1, 1, 2, true},
    {"k3_s2_p1_g4", 1, 8, 10, 11, 12, 3, 2, 1, 1, 4, true},
    {"k3_s1_p1_depthwise", 1, 7, 9, 9, 7, 3, 1, 1, 1, 7, true},
    {"k1_s1_p0_g3_grouped1x1", 1, 6, 5, 7, 9, 1, 1, 0, 1, 3, true},
    {"k3_s1_p2_d2", 1, 3, 11, 12, 4, 3, 1, 2, 2, 1, true},
    {"k3_s2_p3_d3", 1, 2, 15, 13, 3, 3, 2, 3, 3, 1, true},
    {"k5_s1_p0_d2_g2", 2, 4, 13, 14, 6, 5, 1, 0, 2, 2, false},
    {"k3_s1_p1_c16_big_parallel_im2col", 1, 16, 33, 31, 8, 3, 1, 1, 1, 1, true},
    {"k3_s1_p1_1x1input", 1, 3, 1, 1, 2, 3, 1, 1, 1, 1, true},
    // Big enough for the forward to im2col in several bands of output rows.
    {"k3_s1_p1_c64_row_bands", 1, 64, 40, 40, 4, 3, 1, 1, 1, 1, true},
    {"k5_s2_p2_c32_row_bands", 2, 32, 61, 61, 3, 5, 2, 2, 1, 1, true},
    {"k5_s1_p0_exact_fit", 1, 2, 5, 5, 3, 5, 1, 0, 1, 1, true},
};

INSTANTIATE_TEST_SUITE_P(Conv2d, Conv2dVsReference, ::testing::ValuesIn(k_conv_cases),
                         [](const ::testing::TestParamInfo<ConvCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(Conv2d, HandComputedOnesKernelWithPadding) {
    // 3x3 input 1..9, all-ones 3x3 kernel, pad 1: each output is the sum of its neighbourhood.
    auto op = make_conv2d(1, conv(1, 3).with_pad(1).without_bias());
    set_param(*op, "weight", Tensor::filled({1, 1, 3, 3}, 1.0f));
    const Tensor x = Tensor::from_vector({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    const Tensor expected = Tensor::from_vector({1, 1, 3, 3}, {12, 21, 16, 27, 45, 33, 24, 39, 28});
    EXPECT_TENSORS_CLOSE(run_op(*op, x), expected, 0.0f, 1e-6f);
    EXPECT_TENSORS_CLOSE(
        conv2d_reference(x, Tensor::filled({1, 1, 3, 3}, 1.0f), nullptr, conv(1, 3).with_pad(1)),
        expected, 0.0f, 1e-6f);
}

TEST(Conv2d, ReferenceAtIsOneCellOfReference) {
    const Conv2dParams params = conv(4, 3).with_stride(2).with_pad(1).with_groups(2);
    const Tensor x = random_tensor({2, 6, 7, 8}, 4);
    const Tensor w = random_tensor({4, 3, 3, 3}, 5);
    const Tensor b = random_tensor({4, 1, 1, 1}, 6);
    const Tensor all = conv2d_reference(x, w, &b, params);
    EXPECT_FLOAT_EQ(conv2d_reference_at(x, w, &b, params, 1, 3, 2, 1), all.at(1, 3, 2, 1));
    EXPECT_FLOAT_EQ(conv2d_reference_at(x, w, &b, params, 0, 0, 0, 0), all.at(0, 0, 0, 0));
}

TEST(Conv2d, ParamsMacsGeometry) {
    auto op = make_conv2d(6, conv(16, 5).with_stride(1));
    const auto params = op->params();
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0].name, "weight");
    EXPECT_EQ(params[0].rank, 4);
    EXPECT_EQ(params[0].value->shape(), (Shape{16, 6, 5, 5}));
    EXPECT_TRUE(params[0].grad->empty());  // allocated by the first backward, not for inference
    EXPECT_EQ(params[1].name, "bias");
    EXPECT_EQ(params[1].rank, 1);
    EXPECT_EQ(params[1].value->shape(), (Shape{16, 1, 1, 1}));
    const Shape out = op->infer_shape({{1, 6, 14, 14}});
    EXPECT_EQ(out, (Shape{1, 16, 10, 10}));
    EXPECT_EQ(op->macs({{1, 6, 14, 14}}, out), 16 * 10 * 10 * 6 * 25);
    EXPECT_EQ(op->macs({{3, 6, 14, 14}}, {3, 16, 10, 10}), 3 * 16 * 10 * 10 * 6 * 25);
    auto grouped = make_conv2d(8, conv(8, 3).with_groups(4).with_pad(1).with_dilation(2));
    EXPECT_EQ(grouped->macs({{1, 8, 6, 6}}, {1, 8, 4, 4}), 8 * 4 * 4 * 2 * 9);
    const LayerGeometry g = grouped->geometry();
    EXPECT_EQ(g.kernel, 3);
    EXPECT_EQ(g.stride, 1);
    EXPECT_EQ(g.pad, 1);
    EXPECT_EQ(g.dilation, 2);
    EXPECT_EQ(make_conv2d(3, conv(2, 3).without_bias())->params().size(), 1u);
}

TEST(Conv2d, CloneIsDeep) {
    auto op = make_conv2d(2, conv(3, 3));
    set_param(*op, "weight", Tensor::filled({3, 2, 3, 3}, 1.0f));
    auto copy = op->clone();
    set_param(*op, "weight", Tensor::filled({3, 2, 3, 3}, 2.0f));
    EXPECT_EQ((*testing::find_param(*copy, "weight").value)[0], 1.0f);
    EXPECT_EQ(copy->kind(), OpKind::Conv2d);
}

TEST(Conv2d, WrongChannelCountNamesTheNode) {
    Graph graph("g");
    graph.add_input("input", {1, 16, 10, 10});
    try {
        graph.add("conv2", make_conv2d(6, conv(16, 5)), {0});
        FAIL() << "expected cl::Error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "conv2: expects 6 input channels, got 16");
    }
}

TEST(Conv2d, BadGeometryThrows) {
    EXPECT_THROW(make_conv2d(3, conv(4, 7))->infer_shape({{1, 3, 5, 5}}), Error);
    EXPECT_NO_THROW(make_conv2d(3, conv(4, 7).with_pad(1))->infer_shape({{1, 3, 5, 5}}));
    EXPECT_THROW(make_conv2d(3, conv(4, 3).with_stride(0))->infer_shape({{1, 3, 5, 5}}), Error);
    EXPECT_THROW(make_conv2d(3, conv(4, 3).with_pad(-1))->infer_shape({{1, 3, 5, 5}}), Error);
    EXPECT_THROW(make_conv2d(6, conv(4, 3).with_groups(4))->infer_shape({{1, 6, 5, 5}}), Error);
    EXPECT_THROW(make_conv2d(6, conv(4, 3).with_groups(3))->infer_shape({{1, 6, 5, 5}}), Error);
    EXPECT_THROW(make_conv2d(3, conv(0, 3))->infer_shape({{1, 3, 5, 5}}), Error);
    EXPECT_THROW(make_conv2d(3, conv(4, 3).with_dilation(3))->infer_shape({{1, 3, 5, 5}}), Error);
    EXPECT_THROW(make_conv2d(3, conv(4, 3))->infer_shape({{1, 3, 5, 5}, {1, 3, 5, 5}}), Error);
}

}  // namespace
}  // namespace cl
