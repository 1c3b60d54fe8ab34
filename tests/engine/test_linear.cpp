// Linear against the textbook loop (batch 1 takes the GEMV path, batches the GEMM path; 4-D
// inputs are read as [N, C*H*W]), its parameters and its errors.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;
using testing::run_op;
using testing::set_param;

struct LinearCase {
    const char* name;
    Shape input;
    int out;
    bool bias;
};
void PrintTo(const LinearCase& c, std::ostream* os) {
    *os << c.name;
}

class LinearVsReference : public ::testing::TestWithParam<LinearCase> {};

TEST_P(LinearVsReference, MatchesLoops) {
    const LinearCase c = GetParam();
    const int in = int(c.input.per_sample());
    auto op = make_linear(in, c.out, c.bias);
    const Tensor x = random_tensor(c.input, 31);
    const Tensor w = random_tensor({c.out, in, 1, 1}, 32);
    const Tensor b = random_tensor({c.out, 1, 1, 1}, 33);
    set_param(*op, "weight", w);
    if (c.bias) set_param(*op, "bias", b);
    EXPECT_TENSORS_CLOSE(run_op(*op, x), linear_reference(x, w, c.bias ? &b : nullptr), 1e-4f,
                         1e-4f);
}

const LinearCase k_linear_cases[] = {
    {"n1_400_to_120_gemv", {1, 400, 1, 1}, 120, true},
    {"n1_16x5x5_to_120_4d", {1, 16, 5, 5}, 120, true},
    {"n3_16x5x5_to_10_gemm", {3, 16, 5, 5}, 10, true},
    {"n5_7_to_1_nobias", {5, 7, 1, 1}, 1, false},
    {"n1_1_to_1", {1, 1, 1, 1}, 1, true},
    {"n2_3x2x2_to_13_nobias", {2, 3, 2, 2}, 13, false},
};

INSTANTIATE_TEST_SUITE_P(Linear, LinearVsReference, ::testing::ValuesIn(k_linear_cases),
                         [](const ::testing::TestParamInfo<LinearCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(Linear, HandComputed) {
    auto op = make_linear(3, 2);
    set_param(*op, "weight", Tensor::from_vector({2, 3, 1, 1}, {1, 2, 3, -1, 0, 1}));
    set_param(*op, "bias", Tensor::from_vector({2, 1, 1, 1}, {0.5f, -0.5f}));
    const Tensor x = Tensor::from_vector({1, 3, 1, 1}, {1, 1, 2});
    EXPECT_TENSORS_CLOSE(run_op(*op, x), Tensor::from_vector({1, 2, 1, 1}, {9.5f, 0.5f}), 0.0f,
                         1e-6f);
}

TEST(Linear, ParamsMacsAndErrors) {
    auto op = make_linear(400, 120);
    const auto params = op->params();
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0].name, "weight");
    EXPECT_EQ(params[0].rank, 2);
    EXPECT_EQ(params[0].value->shape(), (Shape{120, 400, 1, 1}));
    EXPECT_EQ(params[1].name, "bias");
    EXPECT_EQ(params[1].rank, 1);
    EXPECT_TRUE(params[1].trainable);
    EXPECT_EQ(op->infer_shape({{4, 16, 5, 5}}), (Shape{4, 120, 1, 1}));
    EXPECT_EQ(op->macs({{4, 16, 5, 5}}, {4, 120, 1, 1}), 4 * 400 * 120);
    EXPECT_EQ(make_linear(4, 2, false)->params().size(), 1u);
    try {
        op->infer_shape({{1, 16, 4, 4}});
        FAIL() << "expected cl::Error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "expects 400 input features, got 256 (16x4x4)");
    }
}

}  // namespace
}  // namespace cl
