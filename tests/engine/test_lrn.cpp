// LocalResponseNorm (PyTorch's alpha/size convention, asymmetric window for even sizes)
// against the textbook loop and one hand-computed value.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;
using testing::run_op;

struct LrnCase {
    const char* name;
    Shape shape;
    LrnParams params;
};
void PrintTo(const LrnCase& c, std::ostream* os) {
    *os << c.name;
}

LrnParams lrn_params(int size, float alpha, float beta, float k) {
    LrnParams p;
    p.size = size;
    p.alpha = alpha;
    p.beta = beta;
    p.k = k;
    return p;
}

class LrnVsReference : public ::testing::TestWithParam<LrnCase> {};

TEST_P(LrnVsReference, MatchesLoops) {
    const LrnCase c = GetParam();
    const Tensor x = random_tensor(c.shape, 41, -3.0f, 3.0f);
    EXPECT_TENSORS_CLOSE(run_op(*make_lrn(c.params), x), lrn_reference(x, c.params), 1e-5f, 1e-6f);
}

const LrnCase k_lrn_cases[] = {
    {"alexnet_s5", {2, 12, 5, 6}, LrnParams{}},
    {"s5_strong_alpha", {1, 9, 4, 3}, lrn_params(5, 0.5f, 0.75f, 1.0f)},
    {"s3", {1, 7, 3, 5}, lrn_params(3, 0.3f, 0.5f, 2.0f)},
    {"s4_even_window", {1, 8, 3, 3}, lrn_params(4, 0.4f, 0.75f, 1.0f)},
    {"s2_even_window", {1, 5, 2, 2}, lrn_params(2, 1.0f, 1.0f, 1.0f)},
    {"s1", {1, 3, 4, 4}, lrn_params(1, 0.2f, 0.75f, 1.0f)},
    {"s7_more_than_channels", {1, 3, 2, 3}, lrn_params(7, 0.7f, 0.6f, 1.5f)},
};

INSTANTIATE_TEST_SUITE_P(Lrn, LrnVsReference, ::testing::ValuesIn(k_lrn_cases),
                         [](const ::testing::TestParamInfo<LrnCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(Lrn, HandComputedMiddleChannel) {
    // Channels 1,2,3 at one pixel, size 3, alpha 3, beta 1, k 1:
    // channel 1 sees 1+4+9 = 14 -> scale 1 + 3/3*14 = 15 -> 2/15.
    const Tensor x = Tensor::from_vector({1, 3, 1, 1}, {1, 2, 3});
    const Tensor y = run_op(*make_lrn(lrn_params(3, 3.0f, 1.0f, 1.0f)), x);
    EXPECT_NEAR(y[1], 2.0f / 15.0f, 1e-7f);
    EXPECT_NEAR(y[0], 1.0f / 6.0f, 1e-7f);   // window {0, 1}: 1 + 1*(1+4)
    EXPECT_NEAR(y[2], 3.0f / 14.0f, 1e-7f);  // window {1, 2}: 1 + 1*(4+9)
    EXPECT_THROW(make_lrn(lrn_params(0, 1.0f, 1.0f, 1.0f))->infer_shape({{1, 3, 1, 1}}), Error);
}

}  // namespace
}  // namespace cl
