// Flatten, Concat, Add, Softmax against the textbook loops; Dropout's inference identity and
// its reproducible training masks.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.h"
#include "engine/ops/dropout.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;
using testing::run_op;

struct ShapeCase {
    const char* name;
    Shape shape;
};
void PrintTo(const ShapeCase& c, std::ostream* os) {
    *os << c.name;
}

class ShapeOpsVsReference : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(ShapeOpsVsReference, Flatten) {
    const Tensor x = random_tensor(GetParam().shape, 61);
    EXPECT_TENSORS_CLOSE(run_op(*make_flatten(), x), flatten_reference(x), 0.0f, 0.0f);
}

TEST_P(ShapeOpsVsReference, ConcatThree) {
    Shape a = GetParam().shape, b = a, c = a;
    b.c += 2;
    c.c = 1;
    const Tensor x = random_tensor(a, 62), y = random_tensor(b, 63), z = random_tensor(c, 64);
    EXPECT_TENSORS_CLOSE(run_op(*make_concat(), {&x, &y, &z}), concat_reference({&x, &y, &z}), 0.0f,
                         0.0f);
}

TEST_P(ShapeOpsVsReference, AddTwoAndThree) {
    const Tensor x = random_tensor(GetParam().shape, 65), y = random_tensor(GetParam().shape, 66);
    const Tensor z = random_tensor(GetParam().shape, 67);
    EXPECT_TENSORS_CLOSE(run_op(*make_add(), {&x, &y}), add_reference({&x, &y}), 1e-6f, 1e-7f);
    EXPECT_TENSORS_CLOSE(run_op(*make_add(), {&x, &y, &z}), add_reference({&x, &y, &z}), 1e-6f,
                         1e-6f);
}

TEST_P(ShapeOpsVsReference, Softmax) {
    const Tensor x = random_tensor(GetParam().shape, 68, -20.0f, 20.0f);
    EXPECT_TENSORS_CLOSE(run_op(*make_softmax(), x), softmax_reference(x), 1e-5f, 1e-7f);
}

const ShapeCase k_shape_cases[] = {
    {"n1_c10_1x1", {1, 10, 1, 1}},
    {"n2_c3_5x7", {2, 3, 5, 7}},
    {"n3_c1_2x2", {3, 1, 2, 2}},
    {"n1_c16_4x3", {1, 16, 4, 3}},
};

INSTANTIATE_TEST_SUITE_P(ShapeOps, ShapeOpsVsReference, ::testing::ValuesIn(k_shape_cases),
                         [](const ::testing::TestParamInfo<ShapeCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(ShapeOps, ShapesAndErrors) {
    EXPECT_EQ(make_flatten()->infer_shape({{2, 16, 5, 5}}), (Shape{2, 400, 1, 1}));
    EXPECT_EQ(make_concat()->infer_shape({{1, 64, 28, 28}, {1, 128, 28, 28}, {1, 32, 28, 28}}),
              (Shape{1, 224, 28, 28}));
    EXPECT_THROW(make_concat()->infer_shape({{1, 4, 28, 28}, {1, 4, 14, 14}}), Error);
    EXPECT_THROW(make_concat()->infer_shape({}), Error);
    EXPECT_THROW(make_add()->infer_shape({{1, 4, 8, 8}, {1, 8, 8, 8}}), Error);
    EXPECT_THROW(make_add()->infer_shape({{1, 4, 8, 8}}), Error);
    EXPECT_THROW(make_softmax()->infer_shape({{1, 4, 8, 8}, {1, 4, 8, 8}}), Error);
    EXPECT_THROW(make_dropout(1.0f)->infer_shape({{1, 4, 1, 1}}), Error);
    EXPECT_THROW(make_dropout(-0.1f)->infer_shape({{1, 4, 1, 1}}), Error);
}

TEST(Softmax, HandComputedAndSumsToOnePerPosition) {
    const Tensor x = Tensor::from_vector({1, 3, 1, 1}, {0.0f, 0.0f, std::log(2.0f)});
    EXPECT_TENSORS_CLOSE(run_op(*make_softmax(), x),
                         Tensor::from_vector({1, 3, 1, 1}, {0.25f, 0.25f, 0.5f}), 0.0f, 1e-6f);
    // Huge logits: only the differences matter, exp() must not overflow.
    const Tensor big =
        Tensor::from_vector({1, 3, 1, 1}, {1000.0f, 1000.0f, 1000.0f + std::log(2.0f)});
    EXPECT_TENSORS_CLOSE(run_op(*make_softmax(), big),
                         Tensor::from_vector({1, 3, 1, 1}, {0.25f, 0.25f, 0.5f}), 0.0f, 1e-4f);
    const Tensor y = run_op(*make_softmax(), random_tensor({2, 5, 3, 4}, 69, -5.0f, 5.0f));
    for (int n = 0; n < 2; ++n)
        for (int h = 0; h < 3; ++h)
            for (int w = 0; w < 4; ++w) {
                double sum = 0;
                for (int c = 0; c < 5; ++c) sum += y.at(n, c, h, w);
                EXPECT_NEAR(sum, 1.0, 1e-6);
            }
}

TEST(Dropout, IdentityAtInference) {
    const Tensor x = random_tensor({2, 8, 3, 3}, 70);
    EXPECT_TENSORS_CLOSE(run_op(*make_dropout(0.5f), x), x, 0.0f, 0.0f);
}

TEST(Dropout, TrainingMasksAreInvertedReproducibleAndUsedByBackward) {
    const float p = 0.3f;
    const Tensor x = Tensor::filled({4, 16, 8, 8}, 2.0f);
    auto op = make_dropout(p);
    op->set_training(true);
    const Tensor first = run_op(*op, x);
    int64_t dropped = 0;
    for (int64_t i = 0; i < first.numel(); ++i) {
        if (first[i] == 0.0f) {
            ++dropped;
        } else {
            ASSERT_FLOAT_EQ(first[i], 2.0f / (1.0f - p)) << i;
        }
    }
    EXPECT_NEAR(double(dropped) / double(first.numel()), p, 0.03);

    // Backward scales by the same mask as the last forward.
    const Tensor dy = Tensor::filled(x.shape(), 1.0f);
    Tensor dx = Tensor::zeros(x.shape());
    BackwardArgs args;
    args.inputs = {&x};
    args.output = &first;
    args.grad_output = &dy;
    args.grad_inputs = {&dx};
    op->backward(args);
    for (int64_t i = 0; i < x.numel(); ++i) ASSERT_FLOAT_EQ(dx[i], first[i] / 2.0f) << i;

    const Tensor second = run_op(*op, x);  // the next step draws another mask
    EXPECT_FALSE(testing::tensors_close(second, first, 0.0f, 0.0f));
    auto fresh = make_dropout(p);  // same seed and count: same masks, run after run
    fresh->set_training(true);
    EXPECT_TENSORS_CLOSE(run_op(*fresh, x), first, 0.0f, 0.0f);
    dropout_set_seed(*fresh, 7);
    const Tensor seeded = run_op(*fresh, x);
    EXPECT_FALSE(testing::tensors_close(seeded, first, 0.0f, 0.0f));
    dropout_set_seed(*fresh, 7);
    EXPECT_TENSORS_CLOSE(run_op(*fresh, x), seeded, 0.0f, 0.0f);
    dropout_set_seed(*fresh, 0);
    EXPECT_TENSORS_CLOSE(run_op(*fresh, x), first, 0.0f, 0.0f);
    auto relu = make_relu();
    EXPECT_THROW(dropout_set_seed(*relu, 1), Error);
}

}  // namespace
}  // namespace cl
