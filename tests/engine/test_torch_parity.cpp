// The layers against PyTorch: tests/reference/ops_torch.py writes seeded inputs, weights,
// float64 outputs and autograd gradients; each family's cases run forward and backward here
// (the fixture is torch_parity.h). Dropout and the loss, which need more than check_case, are
// here too; the graph and element-wise ops are in test_torch_parity_graph_ops.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "engine/ops/dropout.h"
#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "engine/train/loss.h"
#include "torch_parity.h"

namespace cl {
namespace {

using nlohmann::json;
using testing::TorchParity;

// The table of torch_parity_ops.h is honest: the oracle writes cases for every entry, and
// every case it writes is for an entry (or for the loss, which is not an op).
TEST_F(TorchParity, OracleWritesCasesForEveryListedOp) {
    const std::optional<json> cases = all_cases();
    if (!cases) GTEST_SKIP() << "PyTorch is not importable by " << CONVLENS_PYTHON;
    std::set<std::string> written;
    for (const json& c : *cases) {
        const std::string op = c["op"];
        written.insert(op);
        EXPECT_TRUE(op == "cross_entropy" || testing::torch_parity_op(op))
            << "the oracle writes cases for \"" << op << "\", which torch_parity_ops.h lacks";
    }
    for (const testing::TorchParityOp& op : testing::k_torch_parity_ops)
        EXPECT_TRUE(written.count(op.oracle_op)) << "no cases for " << op.oracle_op;
}

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

// See dropout_cases in ops_torch.py: PyTorch cannot draw our mask, so our mask is read from
// our output (the inputs are never 0) and each element must be the kept value of x * keep /
// (1 - p) where we kept it, and 0 where we dropped it; the gradient likewise.
TEST_F(TorchParity, Dropout) {
    RUN_ORACLE_OR_SKIP(cases, {"dropout"});
    for (const json& c : *cases) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const float p = c["params"]["p"];
        auto op = make_dropout(p);
        if (!c["params"]["training"].get<bool>()) {
            check_case(*op, c, 1e-6f, 0.0f);
            continue;
        }
        op->set_training(true);
        dropout_set_seed(*op, 20231125);
        const Tensor x = load(c, "input0"), kept = load(c, "output_kept");
        const Tensor y = testing::run_op(*op, x);
        Tensor expected = Tensor::zeros(y.shape());
        int64_t dropped = 0;
        for (int64_t i = 0; i < y.numel(); ++i) {
            ASSERT_NE(x[i], 0.0f) << "an input of 0 hides the mask";
            if (y[i] == 0.0f) ++dropped;
            expected[i] = y[i] == 0.0f ? 0.0f : kept[i];
        }
        EXPECT_TENSORS_CLOSE(y, expected, 1e-6f, 0.0f);
        // 4096 draws: the drop rate is within 0.05 of p by more than six standard deviations
        EXPECT_NEAR(double(dropped) / double(y.numel()), p, 0.05);

        const Tensor dy = load(c, "grad_output"), grad_kept = load(c, "grad_input0_kept");
        Tensor dx = Tensor::zeros(x.shape());
        BackwardArgs args;
        args.inputs = {&x};
        args.output = &y;
        args.grad_output = &dy;
        args.grad_inputs = {&dx};
        op->backward(args);
        for (int64_t i = 0; i < y.numel(); ++i) expected[i] = y[i] == 0.0f ? 0.0f : grad_kept[i];
        EXPECT_TENSORS_CLOSE(dx, expected, 1e-6f, 0.0f) << "gradient";
    }
}

// train/loss.h against F.cross_entropy: the summed loss, the gradient of loss * scale with
// respect to the logits (scale 1/N: reduction "mean"), and the count of correct arg-maxes.
TEST_F(TorchParity, SoftmaxCrossEntropy) {
    RUN_ORACLE_OR_SKIP(cases, {"cross_entropy"});
    for (const json& c : *cases) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const Tensor logits = load(c, "input0"), label_values = load(c, "labels");
        std::vector<uint8_t> labels;
        for (int64_t i = 0; i < label_values.numel(); ++i)
            labels.push_back(uint8_t(label_values[i]));
        ASSERT_EQ(int(labels.size()), logits.shape().n);
        const LossResult r = softmax_cross_entropy(logits, labels.data(), c["params"]["scale"]);
        const double loss_sum = load(c, "loss_sum")[0];
        EXPECT_NEAR(r.loss, loss_sum, 1e-4 * std::fabs(loss_sum));
        EXPECT_TENSORS_CLOSE(r.grad, load(c, "grad_input0"), 1e-4f, 1e-6f);
        EXPECT_EQ(r.correct, c["params"]["correct"].get<int>());
    }
}

}  // namespace
}  // namespace cl
