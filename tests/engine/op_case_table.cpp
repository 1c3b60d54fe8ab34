// The op-case table: one row per op kind and attribute combination, at odd sizes, with the
// reference loop (ops/reference.h) each row's forward is checked against and the PyTorch parity
// op (torch_parity_ops.h) that covers its kind. The checks are in test_op_cases.cpp.
#include <functional>
#include <limits>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_cases.h"

namespace cl::testing {

InputFn uniform(float lo, float hi) {
    return [=](size_t, Shape s, uint32_t seed) { return random_tensor(s, seed, lo, hi); };
}

void PrintTo(const OpCase& c, std::ostream* os) {
    *os << op_kind_name(c.make()->kind()) << "/" << c.variant;
}

namespace {

// Values (k + 0.3) * gap in random order: ties (max pooling) and the kinks at 0 and at round
// bounds (ReLU, Clip) stay further from every value than the finite-difference step.
InputFn distinct(float gap = 0.01f) {
    return [=](size_t, Shape s, uint32_t seed) {
        Tensor t = distinct_tensor(s, seed, gap);  // k * gap or (k + 0.5) * gap
        const float shift = (s.numel() % 2 ? 0.3f : -0.2f) * gap;
        for (int64_t i = 0; i < t.numel(); ++i) t[i] += shift;
        return t;
    };
}

// |x| in [0.5, 1.5] with random signs, for divisors; only input `only` (every input if -1).
InputFn away_from_zero(int only = -1) {
    return [=](size_t index, Shape s, uint32_t seed) {
        Tensor t = random_tensor(s, seed);
        if (only >= 0 && int(index) != only) return t;
        for (int64_t i = 0; i < t.numel(); ++i) t[i] = t[i] < 0 ? t[i] - 0.5f : t[i] + 0.5f;
        return t;
    };
}

OpCase row(std::string variant, std::function<std::unique_ptr<Op>()> make,
           std::vector<Shape> inputs, ReferenceFn reference) {
    OpCase c;
    c.variant = std::move(variant);
    c.make = std::move(make);
    c.inputs = std::move(inputs);
    c.reference = std::move(reference);
    return c;
}

// The op's parameter, read without invalidating what the op derived from it.
const Tensor* param(const Op& op, const std::string& name) {
    for (const NamedParam& p : op.read_params())
        if (p.name == name && !p.value->empty()) return p.value;
    return nullptr;
}
const Tensor& required_param(const Op& op, const std::string& name) {
    const Tensor* t = param(op, name);
    CL_ASSERT(t);
    return *t;
}

// A one-input op whose reference needs nothing but the input.
OpCase unary(std::string variant, std::function<std::unique_ptr<Op>()> make, Shape in,
             std::function<Tensor(const Tensor&)> reference) {
    return row(std::move(variant), std::move(make), {in},
               [reference](const Op&, const Inputs& x) { return reference(*x[0]); });
}

OpCase conv_row(std::string variant, int cin, Conv2dParams p, Shape in) {
    return row(
               std::move(variant), [=] { return make_conv2d(cin, p); }, {in},
               [p](const Op& op, const Inputs& x) {
                   return conv2d_reference(*x[0], required_param(op, "weight"), param(op, "bias"),
                                           p);
               })
        .tolerance(1e-4f, 1e-5f)
        .torch_parity("conv2d");
}

OpCase pool_row(std::string variant, bool max, PoolParams p, Shape in) {
    if (max)
        return unary(
                   std::move(variant), [=] { return make_maxpool2d(p); }, in,
                   [p](const Tensor& x) { return maxpool2d_reference(x, p); })
            .with_inputs(distinct())
            .torch_parity("maxpool2d");
    return unary(
               std::move(variant), [=] { return make_avgpool2d(p); }, in,
               [p](const Tensor& x) { return avgpool2d_reference(x, p); })
        .torch_parity("avgpool2d");
}

LrnParams strong_lrn(int size) {  // alpha large enough for the normalisation to matter
    LrnParams p;
    p.size = size;
    p.alpha = 0.8f;
    p.k = 1.0f;
    return p;
}
OpCase lrn_row(std::string variant, LrnParams p, Shape in) {
    return unary(
               std::move(variant), [=] { return make_lrn(p); }, in,
               [p](const Tensor& x) { return lrn_reference(x, p); })
        .torch_parity("lrn");
}

OpCase batchnorm_row(std::string variant, Shape in, bool training) {
    constexpr float eps = 1e-5f;
    OpCase c = row(
        std::move(variant), [=] { return make_batchnorm2d(in.c, eps); }, {in},
        [training](const Op& op, const Inputs& x) {
            const Tensor &g = required_param(op, "weight"), &b = required_param(op, "bias");
            if (training) return batchnorm2d_training_reference(*x[0], g, b, eps);
            return batchnorm2d_reference(*x[0], g, b, required_param(op, "running_mean"),
                                         required_param(op, "running_var"), eps);
        });
    c.torch_parity("batchnorm2d");
    return training ? c.in_training().tolerance(1e-4f, 1e-5f) : c;
}

OpCase linear_row(std::string variant, int in_features, int out_features, bool bias, Shape in) {
    return row(
               std::move(variant), [=] { return make_linear(in_features, out_features, bias); },
               {in},
               [](const Op& op, const Inputs& x) {
                   return linear_reference(*x[0], required_param(op, "weight"), param(op, "bias"));
               })
        .tolerance(1e-4f, 1e-5f)
        .torch_parity("linear");
}

OpCase many_inputs(std::string variant, std::function<std::unique_ptr<Op>()> make,
                   std::vector<Shape> in, std::function<Tensor(const Inputs&)> reference) {
    return row(std::move(variant), std::move(make), std::move(in),
               [reference](const Op&, const Inputs& x) { return reference(x); });
}

const char* arithmetic_oracle_op(OpKind kind) {
    switch (kind) {
        case OpKind::Add:
            return "add";
        case OpKind::Sub:
            return "sub";
        case OpKind::Mul:
            return "mul";
        default:
            return "div";
    }
}

// Two inputs of the same shape (Add through make_add).
OpCase elementwise_row(std::string variant, OpKind kind, Shape in) {
    OpCase c = many_inputs(
                   std::move(variant), [=] { return make_elementwise(kind); }, {in, in},
                   [kind](const Inputs& x) {
                       return kind == OpKind::Add ? add_reference(x)
                                                  : elementwise_reference(kind, *x[0], *x[1]);
                   })
                   .tolerance(1e-6f, 0.0f);
    if (kind == OpKind::Div) c.with_inputs(away_from_zero(1));
    return c.torch_parity(arithmetic_oracle_op(kind));
}

// x op k or k op x: k a scalar when `per_channel` is false, else one value per channel of `in`.
// Constants stay 0.5 or more from zero, and so do the inputs a constant is divided by.
OpCase constant_row(std::string variant, OpKind kind, bool per_channel, bool constant_first,
                    Shape in) {
    const std::vector<float> values = {0.75f, -1.5f, 2.0f, -0.5f, 1.25f, -2.25f};
    CL_ASSERT(in.c <= int(values.size()));
    const Tensor k =
        per_channel ? Tensor::from_vector({1, in.c, 1, 1},
                                          std::vector<float>(values.begin(), values.begin() + in.c))
                    : Tensor::from_vector({1, 1, 1, 1}, {-1.75f});
    OpCase c = unary(
                   std::move(variant),
                   [=] { return make_elementwise_constant(kind, k, constant_first); }, in,
                   [=](const Tensor& x) {
                       return elementwise_constant_reference(kind, x, k, constant_first);
                   })
                   .tolerance(1e-6f, 0.0f)
                   .torch_parity(arithmetic_oracle_op(kind));
    if (kind == OpKind::Div && constant_first) c.with_inputs(away_from_zero());
    return c;
}

// Every element-wise variant of one kind: two inputs, and the four constant forms.
void add_arithmetic_rows(std::vector<OpCase>& rows, OpKind kind) {
    rows.push_back(elementwise_row("two_inputs", kind, {2, 3, 3, 5}));
    rows.push_back(constant_row("constant_scalar", kind, false, false, {2, 3, 5, 3}));
    rows.push_back(constant_row("constant_per_channel", kind, true, false, {2, 4, 3, 5}));
    rows.push_back(constant_row("constant_first_scalar", kind, false, true, {1, 3, 5, 7}));
    rows.push_back(constant_row("constant_first_per_channel", kind, true, true, {2, 5, 3, 3}));
}

OpCase clip_row(std::string variant, float lo, float hi, Shape in, float gap) {
    return unary(
               std::move(variant), [=] { return make_clip(lo, hi); }, in,
               [=](const Tensor& x) { return clip_reference(x, lo, hi); })
        .with_inputs(distinct(gap))
        .torch_parity("clip");
}

OpCase pad_row(std::string variant, PadParams p, Shape in) {
    return unary(
               std::move(variant), [=] { return make_pad(p); }, in,
               [p](const Tensor& x) { return pad_reference(x, p); })
        .torch_parity("pad");
}

OpCase shortcut_row(std::string variant, int out_channels, int stride, Shape in) {
    return unary(
               std::move(variant), [=] { return make_shortcut_pad(out_channels, stride); }, in,
               [=](const Tensor& x) { return shortcut_pad_reference(x, out_channels, stride); })
        .torch_parity("shortcut_pad");
}

OpCase channel_pick_row(std::string variant, int channel, Shape in) {
    return unary(
               std::move(variant), [=] { return make_channel_pick(channel); }, in,
               [=](const Tensor& x) { return channel_pick_reference(x, channel); })
        .torch_parity("channel_pick");
}

// The table: one row per op kind and attribute combination, at odd sizes. A new op adds its
// rows here (EveryOpKindHasARow fails until it does). Every row with a backward names its
// PyTorch parity op, .torch_parity("relu") here or in its *_row helper (conv_row: "conv2d"), and
// EveryRowWithABackwardHasPyTorchParity fails until it does.
std::vector<OpCase> make_op_cases() {
    const float lowest = std::numeric_limits<float>::lowest();
    std::vector<OpCase> rows = {
        // Conv2d: the im2col + GEMM path, the 1x1 GEMM on the input itself, the direct loops
        // (stride 1, output width >= 8, few channels) and Winograd F(2x2) and F(4x4) (64+
        // channels).
        conv_row("k3_s1_p1_im2col", 3, conv(4, 3).with_pad(1), {2, 3, 5, 6}),
        conv_row("k3_s1_p1_direct", 3, conv(4, 3).with_pad(1), {1, 3, 7, 11}),
        conv_row("k3_s1_p1_depthwise_direct", 4, conv(4, 3).with_pad(1).with_groups(4),
                 {1, 4, 6, 9}),
        conv_row("k3_s2_p1_g2", 4, conv(6, 3).with_stride(2).with_pad(1).with_groups(2),
                 {1, 4, 9, 7}),
        conv_row("k5_s2_p2", 2, conv(3, 5).with_stride(2).with_pad(2), {1, 2, 9, 8}),
        conv_row("k7_s2_p3_stem", 3, conv(2, 7).with_stride(2).with_pad(3), {1, 3, 11, 10}),
        conv_row("k1_s1_p0_gemm", 4, conv(3, 1), {2, 4, 3, 5}),
        conv_row("k1_s1_p0_g2_gemm", 4, conv(2, 1).with_groups(2), {2, 4, 3, 3}),
        conv_row("k1_s2_p1", 2, conv(3, 1).with_stride(2).with_pad(1), {1, 2, 5, 4}),
        conv_row("k3_s2_p2_d2", 2, conv(3, 3).with_stride(2).with_pad(2).with_dilation(2),
                 {1, 2, 9, 8}),
        conv_row("k3_s3_p3", 2, conv(2, 3).with_stride(3).with_pad(3), {1, 2, 7, 5}),
        conv_row("k3_s1_p0_nobias", 3, conv(2, 3).without_bias(), {2, 3, 4, 5}),
        // Winograd's rounding error scales with the layer's outputs (about +-8 here with
        // weights in [-1, 1]), not with each cell: an absolute tolerance of 1e-4 of that scale.
        conv_row("k3_s1_p1_winograd_f2", 64, conv(64, 3).with_pad(1), {1, 64, 13, 13})
            .tolerance(1e-4f, 1e-3f)
            .sampled_gradients(24),
        conv_row("k3_s1_p1_winograd_f4", 64, conv(64, 3).with_pad(1), {1, 64, 28, 27})
            .tolerance(1e-4f, 1e-3f)
            .sampled_gradients(24),
        pool_row("k2_s2_p0", true, pool(2, 2), {2, 2, 6, 5}),
        pool_row("k2_s2_p0_odd_ceil", true, pool(2, 2).with_ceil(), {1, 2, 7, 9}),
        pool_row("k3_s2_p1_ceil", true, pool(3, 2).with_pad(1).with_ceil(), {1, 3, 8, 7}),
        pool_row("k3_s1_p1", true, pool(3, 1).with_pad(1), {1, 2, 5, 5}),
        pool_row("k3_s2_p0_ceil_googlenet", true, pool(3, 2).with_ceil(), {1, 2, 14, 15}),
        pool_row("k2_s2_p1_incl", false, pool(2, 2).with_pad(1), {1, 2, 5, 6}),
        pool_row("k3_s2_p1_excl", false, pool(3, 2).with_pad(1).excluding_pad(), {1, 3, 11, 12}),
        pool_row("k3_s2_p1_ceil_excl", false, pool(3, 2).with_pad(1).with_ceil().excluding_pad(),
                 {2, 2, 8, 7}),
        pool_row("k3_s2_p0_ceil_incl", false, pool(3, 2).with_ceil(), {1, 2, 6, 8}),
        unary("odd_map", make_global_avgpool, {2, 3, 5, 7}, global_avgpool_reference)
            .torch_parity("global_avgpool"),
        unary("1x1_map", make_global_avgpool, {2, 3, 1, 1}, global_avgpool_reference)
            .torch_parity("global_avgpool"),
        unary("odd", make_relu, {2, 3, 5, 7}, relu_reference)
            .with_inputs(distinct())
            .torch_parity("relu"),
        unary("odd", make_tanh, {2, 3, 5, 7}, tanh_reference)
            .with_inputs(uniform(-3, 3), 1e-2f)
            .torch_parity("tanh"),
        unary("odd", make_sigmoid, {2, 3, 5, 7}, sigmoid_reference)
            .with_inputs(uniform(-3, 3), 1e-2f)
            .torch_parity("sigmoid"),
        lrn_row("s5", strong_lrn(5), {2, 7, 3, 2}),
        lrn_row("s4_even", strong_lrn(4), {1, 6, 2, 3}),
        lrn_row("s5_alexnet", LrnParams{}, {1, 5, 3, 3}),
        batchnorm_row("inference", {2, 3, 3, 5}, false),
        batchnorm_row("training", {3, 3, 3, 2}, true),
        batchnorm_row("training_1x1", {5, 4, 1, 1}, true),
        linear_row("n1_gemv", 7, 5, true, {1, 7, 1, 1}),
        linear_row("n3_4d_input", 12, 4, true, {3, 3, 2, 2}),
        linear_row("n2_nobias", 6, 3, false, {2, 6, 1, 1}),
        unary("odd", make_flatten, {2, 3, 5, 3}, flatten_reference).torch_parity("flatten"),
        unary(
            "inference", [] { return make_dropout(0.5f); }, {2, 3, 3, 5}, dropout_reference)
            .torch_parity("dropout"),
        unary(
            "training_p0", [] { return make_dropout(0.0f); }, {2, 3, 3, 5}, dropout_reference)
            .in_training()
            .torch_parity("dropout"),
        many_inputs("three", make_concat, {{2, 1, 3, 5}, {2, 3, 3, 5}, {2, 2, 3, 5}},
                    concat_reference)
            .torch_parity("concat"),
        many_inputs("one", make_concat, {{1, 3, 2, 5}}, concat_reference).torch_parity("concat"),
        many_inputs("three", make_add, {{1, 2, 3, 5}, {1, 2, 3, 5}, {1, 2, 3, 5}}, add_reference)
            .tolerance(1e-6f, 1e-7f)
            .torch_parity("add"),
        unary("classes", make_softmax, {3, 7, 1, 1}, softmax_reference)
            .with_inputs(uniform(-3, 3), 1e-2f)
            .torch_parity("softmax"),
        unary("per_position", make_softmax, {2, 4, 3, 5}, softmax_reference)
            .torch_parity("softmax"),
        // Clip's bounds sit between the values distinct() gives: no kink within the step.
        clip_row("lo_hi", -0.3f, 0.25f, {2, 3, 5, 7}, 0.01f),
        clip_row("relu6", 0.0f, 6.0f, {1, 3, 7, 9}, 0.1f),
        clip_row("max_only", lowest, 0.25f, {2, 3, 5, 7}, 0.01f),
        clip_row("min_equals_max", 0.25f, 0.25f, {1, 2, 3, 5}, 0.01f),
        pad_row("t1_l2_b0_r3", PadParams{1, 2, 0, 3, 0.0f}, {2, 3, 4, 5}),
        pad_row("t2_l2_b2_r2_value", PadParams{2, 2, 2, 2, -1.5f}, {1, 2, 3, 3}),
        pad_row("none", PadParams{0, 0, 0, 0, 0.0f}, {1, 2, 3, 5}),
        shortcut_row("c4_to_8_s2", 8, 2, {2, 4, 7, 6}),
        shortcut_row("c3_to_3_s1", 3, 1, {1, 3, 4, 5}),
        shortcut_row("c2_to_5_s3", 5, 3, {1, 2, 7, 8}),
        channel_pick_row("first", 0, {2, 3, 4, 5}),
        channel_pick_row("last", 2, {2, 3, 5, 3}),
        channel_pick_row("only", 0, {1, 1, 3, 3}),
    };
    for (OpKind kind : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div})
        add_arithmetic_rows(rows, kind);
    return rows;
}

}  // namespace

const std::vector<OpCase>& op_cases() {
    static const std::vector<OpCase> rows = make_op_cases();
    return rows;
}

}  // namespace cl::testing
