// A ReLU right after a convolution is written by the convolution in the same pass: the graph
// marks it fused, and both outputs equal, bit for bit, what the convolution and a separate ReLU
// give, on every path Conv2d takes (direct loops, Winograd F(2x2) and F(4x4), im2col + GEMM,
// 1x1 without im2col, grouped), and by BatchNorm2d and Add. ReLUs that do not directly follow
// their input's node are left alone.
#include <gtest/gtest.h>

#include <limits>

#include "engine/graph.h"
#include "engine/ops/op.h"
#include "engine/ops/winograd.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;
using testing::run_op;

void randomize(Graph& g, uint32_t seed) {
    for (GraphParam& p : g.params())
        *p.param.value = random_tensor(p.param.value->shape(), seed++, -0.2f, 0.2f);
}

struct FusedCase {
    const char* name;
    int cin, size, cout, kernel, stride, pad, groups;
};
void PrintTo(const FusedCase& c, std::ostream* os) {
    *os << c.name;
}
class FusedRelu : public ::testing::TestWithParam<FusedCase> {};

TEST_P(FusedRelu, EqualsConvolutionThenReluBitForBit) {
    const FusedCase c = GetParam();
    Graph g("fused");
    g.add_input("x", {1, c.cin, c.size, c.size});
    const Conv2dParams params =
        conv(c.cout, c.kernel).with_stride(c.stride).with_pad(c.pad).with_groups(c.groups);
    const int conv_node = g.add("conv", make_conv2d(c.cin, params), {0});
    const int relu_node = g.add("relu", make_relu(), {conv_node});
    randomize(g, 3);
    RunControl poisoned;  // both outputs start as NaN: each must be written in full
    poisoned.poison_outputs = true;
    const Activations acts = g.forward(random_tensor(g.input_shape(), 9), poisoned);
    EXPECT_TRUE(acts.fused[size_t(relu_node)]);
    EXPECT_EQ(acts.millis[size_t(relu_node)], 0.0);
    const Tensor& conv_out = acts.outputs[size_t(conv_node)];
    EXPECT_TENSORS_CLOSE(conv_out, run_op(*g.node(conv_node).op, acts.outputs[0]), 0.0f, 0.0f);
    EXPECT_TENSORS_CLOSE(acts.outputs[size_t(relu_node)], run_op(*make_relu(), conv_out), 0.0f,
                         0.0f);
}

const FusedCase k_fused_cases[] = {
    {"direct_few_channels", 3, 30, 10, 3, 1, 0, 1}, {"winograd_2x2", 64, 14, 64, 3, 1, 1, 1},
    {"winograd_4x4", 64, 28, 64, 3, 1, 1, 1},       {"im2col_stride2", 16, 23, 24, 3, 2, 1, 1},
    {"one_by_one", 32, 9, 40, 1, 1, 0, 1},          {"grouped", 8, 17, 12, 3, 2, 1, 2},
};

INSTANTIATE_TEST_SUITE_P(Conv2d, FusedRelu, ::testing::ValuesIn(k_fused_cases),
                         [](const ::testing::TestParamInfo<FusedCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(FusedRelu, BatchNormAndAddWriteTheirReluToo) {
    // ResNet's conv -> bn -> relu and add -> relu.
    Graph g("resnet_like");
    g.add_input("x", {1, 6, 9, 11});
    const int c = g.add("conv", make_conv2d(6, conv(6, 3).with_pad(1)), {0});
    const int bn = g.add("bn", make_batchnorm2d(6), {c});
    const int bn_relu = g.add("bn_relu", make_relu(), {bn});
    const int sum = g.add("add", make_add(), {bn_relu, 0});
    const int sum_relu = g.add("add_relu", make_relu(), {sum});
    randomize(g, 11);
    for (GraphParam& p : g.params())  // a positive variance
        if (p.name == "bn.running_var") p.param.value->fill(0.7f);
    RunControl poisoned;
    poisoned.poison_outputs = true;
    const Activations acts = g.forward(random_tensor(g.input_shape(), 12), poisoned);
    for (const auto& [op_node, relu_node] : {std::pair{bn, bn_relu}, std::pair{sum, sum_relu}}) {
        EXPECT_TRUE(acts.fused[size_t(relu_node)]) << g.node(relu_node).name;
        EXPECT_TENSORS_CLOSE(acts.outputs[size_t(relu_node)],
                             run_op(*make_relu(), acts.outputs[size_t(op_node)]), 0.0f, 0.0f);
    }
    EXPECT_TENSORS_CLOSE(acts.outputs[size_t(bn)], run_op(*g.node(bn).op, acts.outputs[size_t(c)]),
                         0.0f, 0.0f);
    EXPECT_TENSORS_CLOSE(
        acts.outputs[size_t(sum)],
        run_op(*g.node(sum).op, {&acts.outputs[size_t(bn_relu)], &acts.outputs[0]}), 0.0f, 0.0f);
}

TEST(FusedRelu, PathsAreTheOnesNamed) {
    EXPECT_EQ(winograd_tile_for(64, 64, 14, 14), 2);
    EXPECT_EQ(winograd_tile_for(64, 64, 28, 28), 4);
}

TEST(FusedRelu, OnlyAReluOfTheNodeJustBefore) {
    Graph g("unfused");
    g.add_input("x", {1, 4, 10, 10});
    const int a = g.add("conv_a", make_conv2d(4, conv(4, 3).with_pad(1)), {0});
    const int b = g.add("conv_b", make_conv2d(4, conv(4, 3).with_pad(1)), {a});
    const int relu_of_a = g.add("relu_a", make_relu(), {a});  // not right after conv_a
    const int sum = g.add("sum", make_add(), {b, relu_of_a});
    g.add("other", make_conv2d(4, conv(4, 1)), {a});
    const int relu_of_sum = g.add("relu_sum", make_relu(), {sum});  // "other" stands between
    randomize(g, 5);
    const Activations acts = g.forward(random_tensor(g.input_shape(), 6));
    for (int i = 0; i < g.size(); ++i) EXPECT_FALSE(acts.fused[size_t(i)]) << g.node(i).name;
    EXPECT_TENSORS_CLOSE(acts.outputs[size_t(relu_of_a)],
                         run_op(*make_relu(), acts.outputs[size_t(a)]), 0.0f, 0.0f);
    EXPECT_TENSORS_CLOSE(acts.outputs[size_t(relu_of_sum)],
                         run_op(*make_relu(), acts.outputs[size_t(sum)]), 0.0f, 0.0f);
}

TEST(FusedRelu, NanAndNegativeZeroAsTheReluOp) {
    // A NaN input pixel makes NaN outputs; the fused ReLU must keep them NaN like the op does.
    Graph g("nan");
    g.add_input("x", {1, 2, 12, 12});
    const int c = g.add("conv", make_conv2d(2, conv(3, 3)), {0});
    const int r = g.add("relu", make_relu(), {c});
    randomize(g, 7);
    Tensor x = random_tensor(g.input_shape(), 8);
    x[40] = std::numeric_limits<float>::quiet_NaN();
    const Activations acts = g.forward(x);
    ASSERT_TRUE(acts.fused[size_t(r)]);
    const Tensor want = run_op(*make_relu(), acts.outputs[size_t(c)]);
    int nans = 0;
    for (int64_t i = 0; i < want.numel(); ++i) {
        const float got = acts.outputs[size_t(r)][i];
        if (std::isnan(want[i])) {
            EXPECT_TRUE(std::isnan(got)) << i;
            ++nans;
        } else {
            EXPECT_EQ(std::signbit(got), std::signbit(want[i])) << i;
            EXPECT_EQ(got, want[i]) << i;
        }
    }
    EXPECT_GT(nans, 0);
}

}  // namespace
}  // namespace cl
