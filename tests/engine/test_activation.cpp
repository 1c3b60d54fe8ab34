// ReLU, Tanh and Sigmoid against the textbook loops and a few hand-known values.
#include <gtest/gtest.h>

#include <functional>

#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;
using testing::run_op;

struct ActivationCase {
    const char* name;
    std::function<std::unique_ptr<Op>()> make;
    std::function<Tensor(const Tensor&)> reference;
    Shape shape;
    float range;
};
void PrintTo(const ActivationCase& c, std::ostream* os) {
    *os << c.name;
}

class ActivationVsReference : public ::testing::TestWithParam<ActivationCase> {};

TEST_P(ActivationVsReference, MatchesLoops) {
    const ActivationCase& c = GetParam();
    const Tensor x = random_tensor(c.shape, 21, -c.range, c.range);
    auto op = c.make();
    EXPECT_EQ(op->infer_shape({c.shape}), c.shape);
    EXPECT_TENSORS_CLOSE(run_op(*op, x), c.reference(x), 1e-5f, 1e-6f);
}

const ActivationCase k_activation_cases[] = {
    {"relu_2x3x5x7", make_relu, relu_reference, {2, 3, 5, 7}, 1.0f},
    {"relu_1x1x1x1", make_relu, relu_reference, {1, 1, 1, 1}, 1.0f},
    {"relu_vector_1x1000", make_relu, relu_reference, {1, 1000, 1, 1}, 5.0f},
    {"tanh_2x3x5x7", make_tanh, tanh_reference, {2, 3, 5, 7}, 3.0f},
    {"tanh_saturated", make_tanh, tanh_reference, {1, 4, 9, 9}, 40.0f},
    {"sigmoid_2x3x5x7", make_sigmoid, sigmoid_reference, {2, 3, 5, 7}, 3.0f},
    {"sigmoid_saturated", make_sigmoid, sigmoid_reference, {1, 4, 9, 9}, 80.0f},
};

INSTANTIATE_TEST_SUITE_P(Activation, ActivationVsReference, ::testing::ValuesIn(k_activation_cases),
                         [](const ::testing::TestParamInfo<ActivationCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(Activation, HandKnownValues) {
    const Tensor x = Tensor::from_vector({1, 4, 1, 1}, {-2.0f, -0.0f, 0.0f, 3.0f});
    EXPECT_TENSORS_CLOSE(run_op(*make_relu(), x), Tensor::from_vector({1, 4, 1, 1}, {0, 0, 0, 3}),
                         0.0f, 0.0f);
    const Tensor zero = Tensor::zeros({1, 1, 1, 1});
    EXPECT_FLOAT_EQ(run_op(*make_sigmoid(), zero)[0], 0.5f);
    EXPECT_FLOAT_EQ(run_op(*make_tanh(), Tensor::filled({1, 1, 1, 1}, 0.5f))[0], 0.46211716f);
    EXPECT_EQ(make_relu()->kind(), OpKind::Relu);
    EXPECT_EQ(make_tanh()->params().size(), 0u);
}

}  // namespace
}  // namespace cl
