// ShortcutPad, the ResNet paper's parameter-free shortcut (option A): against a textbook loop,
// a hand-made case, and its backward as the adjoint of its forward (the op is linear).
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "testing.h"

namespace cl {
namespace {

Tensor run(const Op& op, const Tensor& x) {
    Tensor y = Tensor::zeros(op.infer_shape({x.shape()}));
    op.forward({&x}, y);
    return y;
}

// out[n, c, h, w] = x[n, c, h*s, w*s] for c < C, 0 for the added channels.
Tensor reference(const Tensor& x, int out_channels, int stride) {
    const Shape in = x.shape();
    const int oh = (in.h + stride - 1) / stride, ow = (in.w + stride - 1) / stride;
    Tensor y = Tensor::zeros({in.n, out_channels, oh, ow});
    for (int n = 0; n < in.n; ++n)
        for (int c = 0; c < out_channels; ++c)
            for (int h = 0; h < oh; ++h)
                for (int w = 0; w < ow; ++w)
                    y.at(n, c, h, w) = c < in.c ? x.at(n, c, h * stride, w * stride) : 0.0f;
    return y;
}

struct PadCase {
    const char* name;
    Shape input;
    int out_channels, stride;
};
void PrintTo(const PadCase& c, std::ostream* os) {
    *os << c.name;
}

class ShortcutPadCase : public ::testing::TestWithParam<PadCase> {};

TEST_P(ShortcutPadCase, ForwardMatchesTheTextbookLoop) {
    const PadCase& c = GetParam();
    const auto op = make_shortcut_pad(c.out_channels, c.stride);
    const Tensor x = testing::random_tensor(c.input, 7);
    EXPECT_TENSORS_CLOSE(run(*op, x), reference(x, c.out_channels, c.stride), 0.0f, 0.0f);
}

TEST_P(ShortcutPadCase, BackwardIsTheAdjointOfForward) {
    // For a linear map f with backward g: <f(x), dy> == <x, g(dy)>.
    const PadCase& c = GetParam();
    const auto op = make_shortcut_pad(c.out_channels, c.stride);
    const Tensor x = testing::random_tensor(c.input, 11);
    const Tensor y = run(*op, x);
    const Tensor dy = testing::random_tensor(y.shape(), 12);
    Tensor dx = Tensor::filled(c.input, 0.0f);
    BackwardArgs args;
    args.inputs = {&x};
    args.output = &y;
    args.grad_output = &dy;
    args.grad_inputs = {&dx};
    op->backward(args);
    double lhs = 0, rhs = 0;
    for (int64_t i = 0; i < y.numel(); ++i) lhs += double(y[i]) * dy[i];
    for (int64_t i = 0; i < x.numel(); ++i) rhs += double(x[i]) * dx[i];
    EXPECT_NEAR(lhs, rhs, 1e-4 * (1 + std::abs(lhs)));
}

INSTANTIATE_TEST_SUITE_P(ShortcutPad, ShortcutPadCase,
                         ::testing::Values(PadCase{"resnet_stage_64_to_128", {1, 4, 8, 8}, 8, 2},
                                           PadCase{"odd_size_batch2", {2, 3, 7, 5}, 5, 2},
                                           PadCase{"identity", {1, 3, 4, 4}, 3, 1},
                                           PadCase{"stride3_same_channels", {1, 2, 9, 9}, 2, 3}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ShortcutPad, HandMadeCase) {
    // [1,1,4,4] values 0..15, stride 2 keeps (0,0) (0,2) (2,0) (2,2); channel 1 is zero.
    std::vector<float> v(16);
    for (int i = 0; i < 16; ++i) v[size_t(i)] = float(i);
    const Tensor x = Tensor::from_vector({1, 1, 4, 4}, v);
    const Tensor y = run(*make_shortcut_pad(2, 2), x);
    EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 2}));
    EXPECT_EQ(y.to_vector(), (std::vector<float>{0, 2, 8, 10, 0, 0, 0, 0}));
}

TEST(ShortcutPad, GeometryNoParamsAndErrors) {
    const auto op = make_shortcut_pad(128, 2);
    EXPECT_EQ(op->kind(), OpKind::ShortcutPad);
    EXPECT_STREQ(op_kind_name(op->kind()), "ShortcutPad");
    EXPECT_TRUE(op->params().empty());
    EXPECT_EQ(op->geometry().kernel, 1);
    EXPECT_EQ(op->geometry().stride, 2);
    EXPECT_EQ(op->infer_shape({{1, 64, 56, 56}}), (Shape{1, 128, 28, 28}));
    EXPECT_THROW(op->infer_shape({{1, 256, 56, 56}}), Error);  // cannot drop channels
    EXPECT_THROW(make_shortcut_pad(8, 0)->infer_shape({{1, 4, 8, 8}}), Error);
}

}  // namespace
}  // namespace cl
