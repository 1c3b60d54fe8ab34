// BatchNorm2d: inference against the textbook loop; training mode normalises with the batch's
// statistics and updates the running ones with PyTorch's momentum and unbiased variance.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::find_param;
using testing::random_tensor;
using testing::run_op;
using testing::set_param;

struct BatchNormCase {
    const char* name;
    Shape shape;
};
void PrintTo(const BatchNormCase& c, std::ostream* os) {
    *os << c.name;
}

class BatchNormInference : public ::testing::TestWithParam<BatchNormCase> {};

TEST_P(BatchNormInference, MatchesLoops) {
    const Shape s = GetParam().shape;
    const Shape cs{s.c, 1, 1, 1};
    auto op = make_batchnorm2d(s.c, 1e-3f);
    const Tensor gamma = random_tensor(cs, 51), beta = random_tensor(cs, 52);
    const Tensor mean = random_tensor(cs, 53), var = random_tensor(cs, 54, 0.1f, 2.0f);
    set_param(*op, "weight", gamma);
    set_param(*op, "bias", beta);
    set_param(*op, "running_mean", mean);
    set_param(*op, "running_var", var);
    const Tensor x = random_tensor(s, 55, -2.0f, 2.0f);
    EXPECT_TENSORS_CLOSE(run_op(*op, x), batchnorm2d_reference(x, gamma, beta, mean, var, 1e-3f),
                         1e-5f, 1e-5f);
}

const BatchNormCase k_batchnorm_cases[] = {
    {"n1_c1_1x1", {1, 1, 1, 1}},
    {"n2_c3_5x7", {2, 3, 5, 7}},
    {"n1_c16_4x4", {1, 16, 4, 4}},
    {"n4_c5_1x1", {4, 5, 1, 1}},
};

INSTANTIATE_TEST_SUITE_P(BatchNorm2d, BatchNormInference, ::testing::ValuesIn(k_batchnorm_cases),
                         [](const ::testing::TestParamInfo<BatchNormCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(BatchNorm2d, TrainingUsesBatchStatisticsAndUpdatesRunningOnes) {
    const Shape s{3, 2, 4, 5};
    auto op = make_batchnorm2d(2, 1e-5f, 0.1f);
    set_param(*op, "running_mean", Tensor::from_vector({2, 1, 1, 1}, {0.5f, -1.0f}));
    set_param(*op, "running_var", Tensor::from_vector({2, 1, 1, 1}, {2.0f, 1.0f}));
    Tensor x = random_tensor(s, 56, -1.0f, 3.0f);
    op->set_training(true);
    const Tensor y = run_op(*op, x);
    for (int c = 0; c < 2; ++c) {
        double sum = 0, sq = 0, ysum = 0, ysq = 0;
        const double count = double(s.n) * s.h * s.w;
        for (int n = 0; n < s.n; ++n)
            for (int i = 0; i < s.h * s.w; ++i) {
                sum += x.at(n, c, i / s.w, i % s.w);
                ysum += y.at(n, c, i / s.w, i % s.w);
            }
        const double mean = sum / count;
        for (int n = 0; n < s.n; ++n)
            for (int i = 0; i < s.h * s.w; ++i) {
                sq += std::pow(x.at(n, c, i / s.w, i % s.w) - mean, 2);
                ysq += std::pow(y.at(n, c, i / s.w, i % s.w), 2);
            }
        EXPECT_NEAR(ysum / count, 0.0, 1e-5) << "channel " << c;
        EXPECT_NEAR(ysq / count, 1.0, 1e-3) << "channel " << c;  // biased variance, eps 1e-5
        const double old_mean = c == 0 ? 0.5 : -1.0, old_var = c == 0 ? 2.0 : 1.0;
        EXPECT_NEAR((*find_param(*op, "running_mean").value)[c], 0.9 * old_mean + 0.1 * mean, 1e-5);
        EXPECT_NEAR((*find_param(*op, "running_var").value)[c],
                    0.9 * old_var + 0.1 * sq / (count - 1), 1e-5);
    }
    op->set_training(false);  // inference again: the (updated) running statistics
    const Tensor z = run_op(*op, x);
    const NamedParam m = find_param(*op, "running_mean"), v = find_param(*op, "running_var");
    EXPECT_TENSORS_CLOSE(
        z,
        batchnorm2d_reference(x, *find_param(*op, "weight").value, *find_param(*op, "bias").value,
                              *m.value, *v.value, 1e-5f),
        1e-5f, 1e-5f);
}

TEST(BatchNorm2d, ParamsAndErrors) {
    auto op = make_batchnorm2d(8);
    const auto params = op->params();
    ASSERT_EQ(params.size(), 4u);
    const char* names[] = {"weight", "bias", "running_mean", "running_var"};
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(params[i].name, names[i]);
        EXPECT_EQ(params[i].rank, 1);
        EXPECT_EQ(params[i].value->shape(), (Shape{8, 1, 1, 1}));
        EXPECT_EQ(params[i].trainable, i < 2);
        EXPECT_EQ(params[i].grad != nullptr, i < 2);
    }
    EXPECT_THROW(op->infer_shape({{1, 6, 4, 4}}), Error);
    op->set_training(true);
    const Tensor single = Tensor::zeros({1, 8, 1, 1});
    EXPECT_THROW(run_op(*op, single), Error);  // one value per channel has no variance
    auto copy = op->clone();
    set_param(*op, "running_var", Tensor::filled({8, 1, 1, 1}, 5.0f));
    EXPECT_EQ((*find_param(*copy, "running_var").value)[0], 1.0f);
}

}  // namespace
}  // namespace cl
