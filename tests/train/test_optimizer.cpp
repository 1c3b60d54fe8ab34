// SGD (with and without momentum and weight decay) and Adam against torch.optim: three steps
// on the same parameters and gradients (tests/reference/optim_torch.py) give the same values.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/error.h"
#include "engine/train/optimizer.h"
#include "testing.h"

namespace cl::testing {
namespace {

constexpr int k_count = 7, k_steps = 3;

float initial(int i) {
    return float(std::sin(0.9 * i + 0.3));
}
float grad(int i, int step) {
    return float(std::cos(0.7 * i + 1.3 * step) * (0.5 + step));
}

const nlohmann::json& torch_results() {
    static const nlohmann::json results = [] {
        const std::string cmd =
            std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR + "/reference/optim_torch.py";
        std::string text;
        if (FILE* pipe = popen(cmd.c_str(), "r")) {
            char buf[4096];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
            pclose(pipe);
        }
        return text.empty() ? nlohmann::json() : nlohmann::json::parse(text);
    }();
    return results;
}

struct OptimCase {
    const char* name;
    OptimizerOptions options;
};

OptimizerOptions options(OptimizerKind kind, float lr, float momentum, float wd) {
    OptimizerOptions o;
    o.kind = kind;
    o.lr = lr;
    o.momentum = momentum;
    o.weight_decay = wd;
    return o;
}

OptimizerOptions adam_wd() {
    OptimizerOptions o = options(OptimizerKind::Adam, 0.003f, 0, 0.1f);
    o.beta1 = 0.8f;
    o.beta2 = 0.99f;
    o.eps = 1e-6f;
    return o;
}

class OptimizerVsTorch : public ::testing::TestWithParam<OptimCase> {};

TEST_P(OptimizerVsTorch, ThreeStepsMatchTorchOptim) {
    const nlohmann::json& torch = torch_results();
    ASSERT_TRUE(torch.is_object())
        << "could not run reference/optim_torch.py with " << CONVLENS_PYTHON;
    const OptimCase& c = GetParam();
    Tensor value = Tensor::zeros({k_count, 1, 1, 1}), g = Tensor::zeros({k_count, 1, 1, 1});
    for (int i = 0; i < k_count; ++i) value[i] = initial(i);
    Optimizer opt({{"w", {"weight", &value, &g, true, 1}}}, c.options);
    for (int step = 0; step < k_steps; ++step) {
        for (int i = 0; i < k_count; ++i) g[i] = grad(i, step);
        opt.step();
    }
    const std::vector<float> expected = torch.at(c.name);
    EXPECT_TENSORS_CLOSE(value, Tensor::from_vector({k_count, 1, 1, 1}, expected), 1e-5f, 1e-6f);
}

INSTANTIATE_TEST_SUITE_P(
    Train, OptimizerVsTorch,
    ::testing::Values(OptimCase{"sgd_plain", options(OptimizerKind::Sgd, 0.1f, 0.0f, 0.0f)},
                      OptimCase{"sgd_momentum_wd", options(OptimizerKind::Sgd, 0.05f, 0.9f, 0.01f)},
                      OptimCase{"adam", options(OptimizerKind::Adam, 0.01f, 0, 0)},
                      OptimCase{"adam_wd", adam_wd()}),
    [](const ::testing::TestParamInfo<OptimCase>& info) { return std::string(info.param.name); });

TEST(Optimizer, FirstAdamStepMovesEachWeightByLr) {
    // Hand-computed: after one step m/(1-b1) = g and sqrt(v/(1-b2)) = |g|, so w -= lr*sign(g).
    Tensor value = Tensor::from_vector({3, 1, 1, 1}, {1.0f, 2.0f, 3.0f});
    Tensor g = Tensor::from_vector({3, 1, 1, 1}, {0.5f, -4.0f, 1e-3f});
    Optimizer opt({{"w", {"weight", &value, &g, true, 1}}},
                  options(OptimizerKind::Adam, 0.1f, 0, 0));
    opt.step();
    EXPECT_NEAR(value[0], 0.9f, 1e-6f);
    EXPECT_NEAR(value[1], 2.1f, 1e-6f);
    EXPECT_NEAR(value[2], 2.9f, 1e-4f);
}

TEST(Optimizer, SkipsBuffersAndUntrainableParams) {
    Tensor a = Tensor::filled({2, 1, 1, 1}, 1.0f), b = Tensor::filled({2, 1, 1, 1}, 1.0f);
    Tensor ga = Tensor::filled({2, 1, 1, 1}, 1.0f);
    Optimizer opt({{"a", {"a", &a, &ga, false, 1}}, {"b", {"b", &b, nullptr, true, 1}}},
                  options(OptimizerKind::Sgd, 0.1f, 0, 0));
    opt.step();
    EXPECT_EQ(a[0], 1.0f);
    EXPECT_EQ(b[0], 1.0f);
}

TEST(Optimizer, RejectsUnknownNameAndBadLr) {
    EXPECT_THROW(optimizer_from_name("rmsprop"), Error);
    EXPECT_EQ(optimizer_from_name("sgd"), OptimizerKind::Sgd);
    EXPECT_THROW(Optimizer({}, options(OptimizerKind::Sgd, 0.0f, 0, 0)), Error);
}

}  // namespace
}  // namespace cl::testing
