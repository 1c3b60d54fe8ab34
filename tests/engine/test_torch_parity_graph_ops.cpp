// The ops without weights against PyTorch autograd (cases from tests/reference/ops_torch.py,
// fixture in torch_parity.h): Concat, GlobalAvgPool, Flatten, Pad, ShortcutPad,
// ChannelPick, the activations, Clip, and Add, Sub, Mul and Div. Each case also checks
// the op's textbook loop of ops/reference.h against the same PyTorch output.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "torch_parity.h"

namespace cl {
namespace {

using nlohmann::json;
using testing::TorchParity;
using Inputs = std::vector<const Tensor*>;
using MakeFn = TorchParity::MakeFn;
using ReferenceFn = TorchParity::ReferenceFn;

TEST_F(TorchParity, Concat) {
    RUN_ORACLE_OR_SKIP(cases, {"concat"});
    check_cases(
        *cases, [](const json&) { return make_concat(); },
        [](const json&, const Inputs& x) { return concat_reference(x); });
}

TEST_F(TorchParity, GlobalAvgPool) {
    RUN_ORACLE_OR_SKIP(cases, {"global_avgpool"});
    check_cases(
        *cases, [](const json&) { return make_global_avgpool(); },
        [](const json&, const Inputs& x) { return global_avgpool_reference(*x[0]); });
}

TEST_F(TorchParity, Flatten) {
    RUN_ORACLE_OR_SKIP(cases, {"flatten"});
    check_cases(
        *cases, [](const json&) { return make_flatten(); },
        [](const json&, const Inputs& x) { return flatten_reference(*x[0]); });
}

PadParams pad_params(const json& p) {
    PadParams params;
    params.top = p["top"];
    params.left = p["left"];
    params.bottom = p["bottom"];
    params.right = p["right"];
    params.value = p["value"];
    return params;
}

TEST_F(TorchParity, Pad) {
    RUN_ORACLE_OR_SKIP(cases, {"pad"});
    check_cases(
        *cases, [](const json& p) { return make_pad(pad_params(p)); },
        [](const json& p, const Inputs& x) { return pad_reference(*x[0], pad_params(p)); });
}

TEST_F(TorchParity, ShortcutPad) {
    RUN_ORACLE_OR_SKIP(cases, {"shortcut_pad"});
    check_cases(
        *cases, [](const json& p) { return make_shortcut_pad(p["out_channels"], p["stride"]); },
        [](const json& p, const Inputs& x) {
            return shortcut_pad_reference(*x[0], p["out_channels"], p["stride"]);
        });
}

TEST_F(TorchParity, ChannelPick) {
    RUN_ORACLE_OR_SKIP(cases, {"channel_pick"});
    check_cases(
        *cases, [](const json& p) { return make_channel_pick(p["channel"]); },
        [](const json& p, const Inputs& x) { return channel_pick_reference(*x[0], p["channel"]); });
}

TEST_F(TorchParity, Activations) {
    RUN_ORACLE_OR_SKIP(cases, {"relu", "tanh", "sigmoid"});
    for (const json& c : *cases) {
        const std::string kind = c["op"];
        const MakeFn make = [kind](const json&) {
            return kind == "relu" ? make_relu() : kind == "tanh" ? make_tanh() : make_sigmoid();
        };
        const ReferenceFn reference = [kind](const json&, const Inputs& x) {
            return kind == "relu"   ? relu_reference(*x[0])
                   : kind == "tanh" ? tanh_reference(*x[0])
                                    : sigmoid_reference(*x[0]);
        };
        check_cases(json::array({c}), make, reference);
    }
}

// The oracle's "min": null is no lower bound (ClipParams' default).
ClipParams clip_params(const json& p) {
    ClipParams params;
    if (!p["min"].is_null()) params.min_value = p["min"];
    params.max_value = p["max"];
    return params;
}

// Includes inputs exactly on the bounds against F.relu6, which passes no gradient there.
TEST_F(TorchParity, Clip) {
    RUN_ORACLE_OR_SKIP(cases, {"clip"});
    check_cases(
        *cases, [](const json& p) { return make_clip(clip_params(p)); },
        [](const json& p, const Inputs& x) {
            const ClipParams params = clip_params(p);
            return clip_reference(*x[0], params.min_value, params.max_value);
        });
}

// The oracle's "constant" (params): a scalar, or one value per channel.
Tensor arithmetic_constant(const json& p) {
    const std::vector<float> values = p["constant"];
    return Tensor::from_vector({1, int(values.size()), 1, 1}, values);
}

// Add (residual pairs, three inputs), Sub, Mul and Div of same-shape tensors, and all four with
// a constant on either side.
TEST_F(TorchParity, Arithmetic) {
    RUN_ORACLE_OR_SKIP(cases, {"add", "sub", "mul", "div"});
    for (const json& c : *cases) {
        const OpKind kind = testing::torch_parity_op(c["op"])->kind;
        const MakeFn make = [kind](const json& p) {
            if (!p.contains("constant")) return make_elementwise(kind);
            return make_elementwise_constant(kind, arithmetic_constant(p), p["constant_first"]);
        };
        const ReferenceFn reference = [kind](const json& p, const Inputs& x) {
            if (p.contains("constant"))
                return elementwise_constant_reference(kind, *x[0], arithmetic_constant(p),
                                                      p["constant_first"]);
            return kind == OpKind::Add ? add_reference(x)
                                       : elementwise_reference(kind, *x[0], *x[1]);
        };
        check_cases(json::array({c}), make, reference);
    }
}

}  // namespace
}  // namespace cl
