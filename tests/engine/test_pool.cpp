// MaxPool2d / AvgPool2d / GlobalAvgPool against the textbook loops with PyTorch's padding,
// ceil_mode and count_include_pad rules, hand-computed windows, and error messages.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;
using testing::run_op;

struct PoolCase {
    const char* name;
    int n, c, h, w, k, s, p;
    bool ceil, include_pad;
};
void PrintTo(const PoolCase& c, std::ostream* os) {
    *os << c.name;
}

PoolParams params_of(const PoolCase& c) {
    PoolParams p = pool(c.k, c.s).with_pad(c.p);
    if (c.ceil) p = p.with_ceil();
    if (!c.include_pad) p = p.excluding_pad();
    return p;
}

class PoolVsReference : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolVsReference, MaxMatchesLoops) {
    const PoolCase c = GetParam();
    const Tensor x = random_tensor({c.n, c.c, c.h, c.w}, 11);
    EXPECT_TENSORS_CLOSE(run_op(*make_maxpool2d(params_of(c)), x),
                         maxpool2d_reference(x, params_of(c)), 0.0f, 0.0f);
}

TEST_P(PoolVsReference, AvgMatchesLoops) {
    const PoolCase c = GetParam();
    const Tensor x = random_tensor({c.n, c.c, c.h, c.w}, 12);
    EXPECT_TENSORS_CLOSE(run_op(*make_avgpool2d(params_of(c)), x),
                         avgpool2d_reference(x, params_of(c)), 1e-5f, 1e-6f);
}

const PoolCase k_pool_cases[] = {
    {"k2_s2_p0", 2, 3, 8, 8, 2, 2, 0, false, true},
    {"k2_s2_p0_odd", 1, 2, 7, 9, 2, 2, 0, false, true},
    {"k2_s2_p0_odd_ceil", 1, 2, 7, 9, 2, 2, 0, true, true},
    {"k2_s2_p1", 1, 2, 7, 8, 2, 2, 1, false, true},
    {"k2_s2_p1_ceil", 1, 2, 7, 8, 2, 2, 1, true, false},
    {"k2_s2_p0_threaded", 1, 80, 62, 61, 2, 2, 0, true, true},
    {"k3_s2_p0_alexnet", 1, 4, 13, 13, 3, 2, 0, false, true},
    {"k3_s2_p0_ceil_googlenet", 1, 3, 14, 15, 3, 2, 0, true, true},
    {"k3_s2_p1_resnet", 2, 3, 11, 12, 3, 2, 1, false, true},
    {"k3_s2_p1_exclpad", 1, 3, 11, 12, 3, 2, 1, false, false},
    {"k3_s2_p1_ceil_exclpad", 1, 3, 10, 11, 3, 2, 1, true, false},
    {"k3_s2_p1_ceil_inclpad", 1, 3, 10, 11, 3, 2, 1, true, true},
    {"k3_s1_p1", 1, 2, 6, 5, 3, 1, 1, false, true},
    {"k3_s3_p1_ceil", 1, 2, 8, 10, 3, 3, 1, true, true},
    {"k5_s3_p2_ceil_exclpad", 1, 2, 12, 9, 5, 3, 2, true, false},
    {"k7_s1_p0_global_like", 1, 5, 7, 7, 7, 1, 0, false, true},
    {"k4_s3_p2_ceil", 1, 2, 9, 11, 4, 3, 2, true, true},
    {"k1_s2_p0", 1, 3, 5, 6, 1, 2, 0, false, true},
    {"k2_s1_p1_exclpad", 1, 2, 4, 5, 2, 1, 1, false, false},
    {"k3_s2_p1_c16_big", 2, 16, 40, 41, 3, 2, 1, true, false},
};

INSTANTIATE_TEST_SUITE_P(Pool, PoolVsReference, ::testing::ValuesIn(k_pool_cases),
                         [](const ::testing::TestParamInfo<PoolCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(MaxPool2d, HandComputed2x2) {
    const Tensor x = Tensor::from_vector({1, 1, 4, 4}, {1, 5, 2, 0,  //
                                                        3, 4, 8, 1,  //
                                                        0, 0, 1, 1,  //
                                                        9, 2, 1, 7});
    EXPECT_TENSORS_CLOSE(run_op(*make_maxpool2d(pool(2, 2)), x),
                         Tensor::from_vector({1, 1, 2, 2}, {5, 8, 9, 7}), 0.0f, 0.0f);
}

TEST(AvgPool2d, HandComputedCeilModeAndPadding) {
    // 3x3 input of ones, k2 s2 p1 ceil: windows start at -1 and 1. Including padding the
    // corner window counts 4 cells (1 inside), excluding it counts 1.
    const Tensor x = Tensor::filled({1, 1, 3, 3}, 1.0f);
    PoolParams p = pool(2, 2).with_pad(1).with_ceil();
    EXPECT_EQ(make_avgpool2d(p)->infer_shape({x.shape()}), (Shape{1, 1, 2, 2}));
    EXPECT_TENSORS_CLOSE(run_op(*make_avgpool2d(p), x),
                         Tensor::from_vector({1, 1, 2, 2}, {0.25f, 0.5f, 0.5f, 1.0f}), 0.0f, 1e-7f);
    EXPECT_TENSORS_CLOSE(run_op(*make_avgpool2d(p.excluding_pad()), x),
                         Tensor::filled({1, 1, 2, 2}, 1.0f), 0.0f, 1e-7f);
    // k3 s2 p0 ceil on 4 wide: the second window overhangs the input by one column, which
    // PyTorch never counts, even with count_include_pad.
    const Tensor y = Tensor::filled({1, 1, 4, 4}, 2.0f);
    EXPECT_TENSORS_CLOSE(run_op(*make_avgpool2d(pool(3, 2).with_ceil()), y),
                         Tensor::filled({1, 1, 2, 2}, 2.0f), 0.0f, 1e-6f);
}

TEST(MaxPool2d, GradientGoesToFirstMaximum) {
    auto op = make_maxpool2d(pool(2, 2));
    const Tensor x = Tensor::filled({1, 1, 2, 4}, 3.0f);
    const Tensor out = run_op(*op, x);
    const Tensor dy = Tensor::from_vector({1, 1, 1, 2}, {1.0f, 2.0f});
    Tensor dx = Tensor::zeros(x.shape());
    BackwardArgs args;
    args.inputs = {&x};
    args.output = &out;
    args.grad_output = &dy;
    args.grad_inputs = {&dx};
    op->backward(args);
    EXPECT_TENSORS_CLOSE(dx, Tensor::from_vector({1, 1, 2, 4}, {1, 0, 2, 0, 0, 0, 0, 0}), 0.0f,
                         0.0f);
}

TEST(GlobalAvgPool, MatchesLoopsAndHasNoKernel) {
    auto op = make_global_avgpool();
    const Tensor x = random_tensor({2, 5, 7, 6}, 13);
    EXPECT_TENSORS_CLOSE(run_op(*op, x), global_avgpool_reference(x), 1e-5f, 1e-6f);
    EXPECT_EQ(op->infer_shape({{3, 512, 7, 7}}), (Shape{3, 512, 1, 1}));
    EXPECT_EQ(op->geometry().kernel, 0);
}

TEST(Pool, GeometryAndErrors) {
    const LayerGeometry g = make_maxpool2d(pool(3, 2).with_pad(1))->geometry();
    EXPECT_EQ(g.kernel, 3);
    EXPECT_EQ(g.stride, 2);
    EXPECT_EQ(g.pad, 1);
    EXPECT_THROW(make_maxpool2d(pool(3, 0))->infer_shape({{1, 1, 8, 8}}), Error);
    EXPECT_THROW(make_avgpool2d(pool(3, 2).with_pad(2))->infer_shape({{1, 1, 8, 8}}), Error);
    EXPECT_THROW(make_maxpool2d(pool(5, 1))->infer_shape({{1, 1, 4, 4}}), Error);
    EXPECT_NO_THROW(make_maxpool2d(pool(5, 1).with_pad(1))->infer_shape({{1, 1, 4, 4}}));
    EXPECT_THROW(make_maxpool2d(pool(2, 2))->infer_shape({}), Error);
}

}  // namespace
}  // namespace cl
