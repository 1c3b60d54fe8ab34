// The direct convolution kernel for few-channel stride-1 layers against the textbook loops:
// rows exactly one vector wide and one more, strips that overlap at the row's end, kernels
// 3/5/7 with padding 0-3, channel counts that leave a partial register block, and the
// threaded path at 1, 2 and 4 threads; then Conv2d picking it, with groups and a batch.
#include <gtest/gtest.h>

#include "engine/ops/direct_conv.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "engine/threading.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;
using testing::run_op;
using testing::set_param;

struct DirectCase {
    const char* name;
    int cin, cout, h, w, k, pad;
    bool bias;
};
void PrintTo(const DirectCase& c, std::ostream* os) {
    *os << c.name;
}
class DirectConvVsLoops : public ::testing::TestWithParam<DirectCase> {};

TEST_P(DirectConvVsLoops, MatchesLoops) {
    const DirectCase c = GetParam();
    const Conv2dParams params = conv(c.cout, c.k).with_pad(c.pad);
    const Tensor x = random_tensor({1, c.cin, c.h, c.w}, 21);
    const Tensor weight = random_tensor({c.cout, c.cin, c.k, c.k}, 22);
    const Tensor bias = random_tensor({c.cout, 1, 1, 1}, 23);
    const Tensor expected = conv2d_reference(x, weight, c.bias ? &bias : nullptr, params);
    DirectConvShape s;
    s.cin = c.cin;
    s.cout = c.cout;
    s.height = c.h;
    s.width = c.w;
    s.kernel = c.k;
    s.pad = c.pad;
    s.out_h = expected.shape().h;
    s.out_w = expected.shape().w;
    const int saved = thread_count();
    for (int threads : {1, 2, 4}) {
        set_thread_count(threads);
        Tensor out = Tensor::filled(expected.shape(), 123.0f);  // every cell must be written
        Tensor relu = Tensor::filled(expected.shape(), 123.0f);
        direct_conv(x.data(), weight.data(), c.bias ? bias.data() : nullptr, out.data(),
                    relu.data(), s);
        EXPECT_TENSORS_CLOSE(out, expected, 1e-4f, 1e-4f) << threads << " threads";
        EXPECT_TENSORS_CLOSE(relu, run_op(*make_relu(), out), 0.0f, 0.0f) << "fused ReLU";
    }
    set_thread_count(saved);
}

const DirectCase k_direct_cases[] = {
    {"lenet_conv1_pad2", 1, 6, 28, 28, 5, 2, true},
    {"lenet_conv2_ten_wide", 6, 16, 14, 14, 5, 0, true},
    {"out_w_8_exactly", 2, 3, 10, 10, 3, 0, true},
    {"out_w_9_overlap", 3, 7, 6, 11, 3, 0, false},
    {"out_w_16_exactly", 4, 5, 5, 18, 3, 0, true},
    {"out_w_17", 5, 12, 4, 17, 3, 1, true},
    {"out_w_31", 3, 13, 7, 33, 3, 0, true},
    {"out_w_32_exactly", 2, 1, 3, 34, 3, 0, true},
    {"out_w_33", 10, 10, 6, 35, 3, 0, false},
    {"tinyvgg_conv_1_2", 10, 10, 62, 62, 3, 0, true},
    {"k7_pad3", 3, 8, 12, 20, 7, 3, true},
    {"k5_pad1_odd", 7, 9, 13, 15, 5, 1, true},
    {"pad_bigger_than_half", 2, 4, 9, 9, 3, 2, true},
    {"one_output_row", 4, 6, 3, 40, 3, 0, true},
    // Above the threading threshold: rows and channel blocks are spread over the threads.
    {"threaded_vgg_conv1_1_like", 3, 16, 96, 97, 3, 1, true},
};

INSTANTIATE_TEST_SUITE_P(Direct, DirectConvVsLoops, ::testing::ValuesIn(k_direct_cases),
                         [](const ::testing::TestParamInfo<DirectCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(DirectConvInConv2d, PickedForFewChannelsWithGroupsAndABatch) {
    // 8 -> 12 channels in 2 groups: 4 -> 6 per group, well inside the rule.
    ASSERT_TRUE(direct_conv_worth_it(4, 6, 3, 21));
    const Conv2dParams params = conv(12, 3).with_pad(1).with_groups(2);
    auto op = make_conv2d(8, params);
    const Tensor x = random_tensor({2, 8, 19, 21}, 24);
    const Tensor weight = random_tensor({12, 4, 3, 3}, 25);
    const Tensor bias = random_tensor({12, 1, 1, 1}, 26);
    set_param(*op, "weight", weight);
    set_param(*op, "bias", bias);
    EXPECT_TENSORS_CLOSE(run_op(*op, x), conv2d_reference(x, weight, &bias, params), 1e-4f, 1e-4f);
}

TEST(DirectConvInConv2d, DepthwiseAndChannelMultiplier) {
    // MobileNet's depthwise 3x3 (one input channel per group) and a multiplier of 2.
    for (int per_group : {1, 2}) {
        const Conv2dParams params = conv(8 * per_group, 3).with_pad(1).with_groups(8);
        auto op = make_conv2d(8, params);
        const Tensor x = random_tensor({1, 8, 13, 20}, 27);
        const Tensor weight = random_tensor({8 * per_group, 1, 3, 3}, 28);
        const Tensor bias = random_tensor({8 * per_group, 1, 1, 1}, 29);
        set_param(*op, "weight", weight);
        set_param(*op, "bias", bias);
        EXPECT_TENSORS_CLOSE(run_op(*op, x), conv2d_reference(x, weight, &bias, params), 1e-5f,
                             1e-5f)
            << per_group << " output channels per group";
    }
}

TEST(DirectConvRule, NarrowRowsAndManyChannelsGoElsewhere) {
    EXPECT_TRUE(direct_conv_worth_it(10, 10, 3, 60));   // TinyVGG
    EXPECT_TRUE(direct_conv_worth_it(6, 16, 5, 10));    // LeNet conv2
    EXPECT_FALSE(direct_conv_worth_it(6, 16, 5, 7));    // narrower than a vector
    EXPECT_FALSE(direct_conv_worth_it(64, 64, 3, 56));  // GEMM / Winograd territory
}

}  // namespace
}  // namespace cl
