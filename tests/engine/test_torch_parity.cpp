// The layers against PyTorch: tests/reference/ops_torch.py writes seeded inputs, weights,
// float64 outputs and autograd gradients; each family's cases run forward and backward here
// (the fixture is torch_parity.h).
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

TEST_F(TorchParity, Conv2d) {
    RUN_ORACLE_OR_SKIP(cases, {"conv2d"});
    for (const json& c : *cases) {
        const json& p = c["params"];
        Conv2dParams params = conv(p["out_channels"], p["kernel"])
                                  .with_stride(p["stride"])
                                  .with_pad(p["pad"])
                                  .with_dilation(p["dilation"])
                                  .with_groups(p["groups"]);
        if (!p["bias"].get<bool>()) params = params.without_bias();
        auto op = make_conv2d(p["in_channels"], params);
        check_case(*op, c, 1e-4f, 1e-4f);
        const Tensor bias = params.bias ? load(c, "bias") : Tensor();
        EXPECT_TENSORS_CLOSE(conv2d_reference(load(c, "input0"), load(c, "weight"),
                                              params.bias ? &bias : nullptr, params),
                             load(c, "output"), 1e-4f, 1e-4f)
            << "reference loop, " << c["name"];
    }
}

TEST_F(TorchParity, Pool) {
    RUN_ORACLE_OR_SKIP(cases, {"maxpool2d", "avgpool2d"});
    for (const json& c : *cases) {
        const json& p = c["params"];
        PoolParams params = pool(p["kernel"], p["stride"]).with_pad(p["pad"]);
        params.ceil_mode = p["ceil_mode"];
        params.count_include_pad = p["count_include_pad"];
        const bool max = c["op"] == "maxpool2d";
        auto op = max ? make_maxpool2d(params) : make_avgpool2d(params);
        check_case(*op, c, 1e-5f, 1e-6f);
        const Tensor x = load(c, "input0");
        EXPECT_TENSORS_CLOSE(max ? maxpool2d_reference(x, params) : avgpool2d_reference(x, params),
                             load(c, "output"), 1e-5f, 1e-6f)
            << "reference loop, " << c["name"];
    }
}

TEST_F(TorchParity, Lrn) {
    RUN_ORACLE_OR_SKIP(cases, {"lrn"});
    for (const json& c : *cases) {
        const json& p = c["params"];
        LrnParams params;
        params.size = p["size"];
        params.alpha = p["alpha"];
        params.beta = p["beta"];
        params.k = p["k"];
        auto op = make_lrn(params);
        check_case(*op, c, 1e-4f, 1e-5f);
        EXPECT_TENSORS_CLOSE(lrn_reference(load(c, "input0"), params), load(c, "output"), 1e-4f,
                             1e-5f)
            << "reference loop, " << c["name"];
    }
}

TEST_F(TorchParity, BatchNorm2d) {
    RUN_ORACLE_OR_SKIP(cases, {"batchnorm2d"});
    for (const json& c : *cases) {
        const json& p = c["params"];
        auto op = make_batchnorm2d(p["channels"], p["eps"], p["momentum"]);
        op->set_training(p["training"]);
        check_case(*op, c, 1e-4f, 1e-5f);
    }
}

TEST_F(TorchParity, LinearAndSoftmax) {
    RUN_ORACLE_OR_SKIP(cases, {"linear", "softmax"});
    for (const json& c : *cases) {
        const json& p = c["params"];
        auto op =
            c["op"] == "linear" ? make_linear(p["in_features"], p["out_features"]) : make_softmax();
        check_case(*op, c, 1e-4f, 1e-5f);
    }
}

}  // namespace
}  // namespace cl
