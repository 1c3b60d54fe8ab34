// The ops against PyTorch: tests/reference/ops_torch.py writes seeded inputs, weights,
// float64 outputs and autograd gradients; each family's cases run forward and backward here.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>

#include "engine/ops/op.h"
#include "engine/ops/reference.h"
#include "op_test_util.h"

namespace cl {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int k_exit_no_torch = 77;

class TorchParity : public ::testing::Test {
protected:
    // The oracle runs once per process (importing torch is the slow part).
    static void SetUpTestSuite() {
        dir_ = testing::temp_dir("ops_torch_" + std::to_string(getpid()));
        const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                    "/reference/ops_torch.py " + dir_.string();
        const int status = std::system(command.c_str());
        no_torch_ = WIFEXITED(status) && WEXITSTATUS(status) == k_exit_no_torch;
        oracle_failed_ = !no_torch_ && !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        std::ifstream in(dir_ / "cases.json");
        all_cases_ = json::parse(in, nullptr, false);
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    // The cases of these ops; nullopt: no torch.
    std::optional<json> run_oracle(const std::vector<std::string>& ops) {
        if (no_torch_) return std::nullopt;
        EXPECT_FALSE(oracle_failed_) << "ops_torch.py failed";
        EXPECT_FALSE(all_cases_.is_discarded()) << "cases.json does not parse";
        json cases = json::array();
        if (all_cases_.is_discarded()) return cases;
        for (const json& c : all_cases_["cases"])
            for (const std::string& op : ops)
                if (c["op"] == op) cases.push_back(c);
        return cases;
    }

    Tensor load(const json& c, const std::string& key) const {
        const json& t = c["tensors"][key];
        const Shape shape{t["shape"][0], t["shape"][1], t["shape"][2], t["shape"][3]};
        std::ifstream in(dir_ / t["file"].get<std::string>(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        Tensor out = Tensor::zeros(shape);
        EXPECT_EQ(int64_t(bytes.size()), out.numel() * 4) << key;
        if (int64_t(bytes.size()) == out.numel() * 4)
            std::memcpy(out.data(), bytes.data(), bytes.size());
        return out;
    }

    // Forward (and backward where PyTorch gave gradients) of `op` against the case's tensors.
    void check_case(Op& op, const json& c, float rtol, float atol) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const json& tensors = c["tensors"];
        for (const char* name : {"weight", "bias", "running_mean", "running_var"})
            if (tensors.contains(name)) testing::set_param(op, name, load(c, name));
        const Tensor x = load(c, "input");
        const Tensor out = testing::run_op(op, x);
        EXPECT_TENSORS_CLOSE(out, load(c, "output"), rtol, atol);
        for (const char* name : {"running_mean", "running_var"}) {
            const std::string after = std::string(name) + "_after";
            if (tensors.contains(after)) {
                EXPECT_TENSORS_CLOSE(*testing::find_param(op, name).value, load(c, after), 1e-5f,
                                     1e-6f);
            }
        }
        if (!tensors.contains("grad_output")) return;
        const Tensor dy = load(c, "grad_output");
        Tensor dx = Tensor::zeros(x.shape());
        for (NamedParam& p : op.params())
            if (p.grad) *p.grad = Tensor::zeros(p.value->shape());  // may be unallocated
        BackwardArgs args;
        args.inputs = {&x};
        args.output = &out;
        args.grad_output = &dy;
        args.grad_inputs = {&dx};
        op.backward(args);
        EXPECT_TENSORS_CLOSE(dx, load(c, "grad_input"), rtol, atol);
        for (const char* name : {"weight", "bias"}) {
            const std::string grad = std::string("grad_") + name;
            if (tensors.contains(grad)) {
                EXPECT_TENSORS_CLOSE(*testing::find_param(op, name).grad, load(c, grad), rtol,
                                     atol);
            }
        }
    }

    static inline fs::path dir_;
    static inline json all_cases_;
    static inline bool no_torch_ = false, oracle_failed_ = false;
};

#define RUN_ORACLE_OR_SKIP(cases, ...)                                              \
    const std::optional<json> cases = run_oracle(__VA_ARGS__);                      \
    if (!cases) GTEST_SKIP() << "PyTorch is not importable by " << CONVLENS_PYTHON; \
    ASSERT_FALSE(cases->empty()) << "the oracle wrote no cases for this op"

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
        EXPECT_TENSORS_CLOSE(conv2d_reference(load(c, "input"), load(c, "weight"),
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
        const Tensor x = load(c, "input");
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
        EXPECT_TENSORS_CLOSE(lrn_reference(load(c, "input"), params), load(c, "output"), 1e-4f,
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
