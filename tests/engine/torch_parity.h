// The fixture of the PyTorch parity tests (test_torch_parity*.cpp): runs the oracle
// tests/reference/ops_torch.py once per process, loads its cases, and checks an op's forward
// and backward against one case. Not in an anonymous namespace: every file's TEST_F(TorchParity,
// ...) must share this one class, and so one oracle run.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/ops/op.h"
#include "op_test_util.h"
#include "torch_parity_ops.h"

namespace cl::testing {

class TorchParity : public ::testing::Test {
public:
    using json = nlohmann::json;
    static constexpr int k_exit_no_torch = 77;
    // The op for a case's params, and the op's reference loop (ops/reference.h).
    using MakeFn = std::function<std::unique_ptr<Op>(const json& params)>;
    using ReferenceFn =
        std::function<Tensor(const json& params, const std::vector<const Tensor*>& inputs)>;

protected:
    // The oracle runs once per process (importing torch is the slow part).
    static void SetUpTestSuite() {
        dir_ = temp_dir("ops_torch_" + std::to_string(getpid()));
        const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                    "/reference/ops_torch.py " + dir_.string();
        const int status = std::system(command.c_str());
        no_torch_ = WIFEXITED(status) && WEXITSTATUS(status) == k_exit_no_torch;
        oracle_failed_ = !no_torch_ && !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        std::ifstream in(dir_ / "cases.json");
        all_cases_ = json::parse(in, nullptr, false);
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

    // Every case the oracle wrote; nullopt: no torch.
    std::optional<json> all_cases() {
        if (no_torch_) return std::nullopt;
        EXPECT_FALSE(oracle_failed_) << "ops_torch.py failed";
        EXPECT_FALSE(all_cases_.is_discarded()) << "cases.json does not parse";
        if (all_cases_.is_discarded()) return json::array();
        return all_cases_["cases"];
    }

    // The cases of these ops ("op" in cases.json); nullopt: no torch.
    std::optional<json> run_oracle(const std::vector<std::string>& ops) {
        std::optional<json> all = all_cases();
        if (!all) return std::nullopt;
        json cases = json::array();
        for (const json& c : *all)
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

    // input0, input1, ... of the case.
    std::vector<Tensor> load_inputs(const json& c) const {
        std::vector<Tensor> inputs;
        while (c["tensors"].contains("input" + std::to_string(inputs.size())))
            inputs.push_back(load(c, "input" + std::to_string(inputs.size())));
        EXPECT_FALSE(inputs.empty()) << "the case has no input0";
        return inputs;
    }

    // Forward and, where PyTorch gave gradients, backward of `op` against the case's tensors:
    // the output, the running statistics after the step, every input's gradient and every
    // trainable parameter's. A gradient missing from the case, or one in the case that nothing
    // was compared with, is a failure.
    void check_case(Op& op, const json& c, float rtol, float atol) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const json& tensors = c["tensors"];
        for (const char* name : {"weight", "bias", "running_mean", "running_var"})
            if (tensors.contains(name)) set_param(op, name, load(c, name));
        const std::vector<Tensor> x = load_inputs(c);
        std::vector<const Tensor*> ptrs;
        for (const Tensor& t : x) ptrs.push_back(&t);
        const Tensor out = run_op(op, ptrs);
        EXPECT_TENSORS_CLOSE(out, load(c, "output"), rtol, atol);
        for (const char* name : {"running_mean", "running_var"}) {
            const std::string after = std::string(name) + "_after";
            if (tensors.contains(after)) {
                EXPECT_TENSORS_CLOSE(*find_param(op, name).value, load(c, after), 1e-5f, 1e-6f);
            }
        }
        if (!tensors.contains("grad_output")) return;
        const Tensor dy = load(c, "grad_output");
        std::vector<Tensor> dx;
        for (const Tensor& t : x) dx.push_back(Tensor::zeros(t.shape()));
        for (NamedParam& p : op.params())
            if (p.grad) *p.grad = Tensor::zeros(p.value->shape());  // may be unallocated
        BackwardArgs args;
        args.inputs = ptrs;
        args.output = &out;
        args.grad_output = &dy;
        for (Tensor& g : dx) args.grad_inputs.push_back(&g);
        op.backward(args);

        std::set<std::string> checked = {"grad_output"};
        for (size_t k = 0; k < dx.size(); ++k) {
            const std::string key = "grad_input" + std::to_string(k);
            checked.insert(key);
            EXPECT_TRUE(tensors.contains(key)) << key << " is missing";
            if (tensors.contains(key)) {
                EXPECT_TENSORS_CLOSE(dx[k], load(c, key), rtol, atol) << key;
            }
        }
        for (NamedParam& p : op.params()) {
            const std::string key = "grad_" + p.name;
            if (!p.trainable || p.value->empty()) continue;
            checked.insert(key);
            EXPECT_TRUE(tensors.contains(key)) << key << " is missing";
            if (!tensors.contains(key)) continue;
            EXPECT_TENSORS_CLOSE(*p.grad, load(c, key), rtol, atol) << key;
        }
        for (const auto& item : tensors.items())
            if (item.key().rfind("grad_", 0) == 0) {
                EXPECT_TRUE(checked.count(item.key())) << item.key() << " was not compared";
            }
    }

    // check_case at rtol 1e-4 for each case, with the op `make` builds from the case's params,
    // and the reference loop's output against PyTorch's.
    void check_cases(const json& cases, const MakeFn& make, const ReferenceFn& reference) {
        for (const json& c : cases) {
            auto op = make(c["params"]);
            check_case(*op, c, 1e-4f, 1e-6f);
            const std::vector<Tensor> x = load_inputs(c);
            std::vector<const Tensor*> ptrs;
            for (const Tensor& t : x) ptrs.push_back(&t);
            EXPECT_TENSORS_CLOSE(reference(c["params"], ptrs), load(c, "output"), 1e-4f, 1e-6f)
                << "reference loop, " << c["name"];
        }
    }

    static inline std::filesystem::path dir_;
    static inline json all_cases_;
    static inline bool no_torch_ = false, oracle_failed_ = false;
};

}  // namespace cl::testing

#define RUN_ORACLE_OR_SKIP(cases, ...)                                              \
    const std::optional<json> cases = run_oracle(__VA_ARGS__);                      \
    if (!cases) GTEST_SKIP() << "PyTorch is not importable by " << CONVLENS_PYTHON; \
    ASSERT_FALSE(cases->empty()) << "the oracle wrote no cases for this op"
