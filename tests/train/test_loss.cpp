// Softmax cross-entropy: hand-computed values, a finite-difference check of its gradient, and
// which node counts as the logits.
#include <cmath>

#include "engine/error.h"
#include "engine/train/loss.h"
#include "engine/zoo/zoo.h"
#include "testing.h"

namespace cl::testing {
namespace {

TEST(SoftmaxCrossEntropy, EqualLogitsGiveLogKAndHandComputedGradient) {
    const Tensor logits = Tensor::filled({1, 4, 1, 1}, 0.7f);
    const uint8_t label = 2;
    const LossResult r = softmax_cross_entropy(logits, &label, 0.5f);
    EXPECT_NEAR(r.loss, std::log(4.0), 1e-6);
    EXPECT_TENSORS_CLOSE(
        r.grad, Tensor::from_vector({1, 4, 1, 1}, {0.125f, 0.125f, -0.375f, 0.125f}), 1e-6f, 1e-7f);
}

TEST(SoftmaxCrossEntropy, KnownTwoClassValue) {
    // logits (0, ln 3): p = (1/4, 3/4); label 0 -> -ln(1/4)
    const Tensor logits = Tensor::from_vector({1, 2, 1, 1}, {0.0f, float(std::log(3.0))});
    const uint8_t label = 0;
    const LossResult r = softmax_cross_entropy(logits, &label, 1.0f);
    EXPECT_NEAR(r.loss, std::log(4.0), 1e-6);
    EXPECT_NEAR(r.grad[0], 0.25f - 1.0f, 1e-6f);
    EXPECT_NEAR(r.grad[1], 0.75f, 1e-6f);
    EXPECT_EQ(r.correct, 0);
}

TEST(SoftmaxCrossEntropy, GradientMatchesFiniteDifferences) {
    Tensor logits = random_tensor({3, 5, 1, 1}, 7, -3.0f, 3.0f);
    const uint8_t labels[3] = {4, 0, 2};
    const float scale = 1.0f / 3.0f;
    const LossResult r = softmax_cross_entropy(logits, labels, scale);
    const double eps = 1e-3;
    Tensor numeric = Tensor::zeros(logits.shape());
    for (int64_t i = 0; i < logits.numel(); ++i) {
        const float keep = logits[i];
        logits[i] = float(keep + eps);
        const double up = softmax_cross_entropy(logits, labels, scale).loss;
        logits[i] = float(keep - eps);
        const double down = softmax_cross_entropy(logits, labels, scale).loss;
        logits[i] = keep;
        numeric[i] = float((up - down) / (2 * eps) * scale);
    }
    EXPECT_TENSORS_CLOSE(r.grad, numeric, 1e-3f, 1e-5f);
}

TEST(SoftmaxCrossEntropy, CountsCorrectAndLargeLogitsStayFinite) {
    const Tensor logits =
        Tensor::from_vector({2, 3, 1, 1}, {1000.0f, 0.0f, -1000.0f, 0.0f, 0.0f, 500.0f});
    const uint8_t labels[2] = {0, 1};
    const LossResult r = softmax_cross_entropy(logits, labels, 1.0f);
    EXPECT_EQ(r.correct, 1);
    EXPECT_NEAR(r.loss, 500.0, 1e-3);
}

TEST(SoftmaxCrossEntropy, NanLogitsGiveNanLoss) {
    Tensor logits = Tensor::filled({1, 3, 1, 1}, 0.0f);
    logits[1] = std::nanf("");
    const uint8_t label = 0;
    EXPECT_TRUE(std::isnan(softmax_cross_entropy(logits, &label, 1.0f).loss));
}

TEST(SoftmaxCrossEntropy, RejectsLabelOutsideClasses) {
    const Tensor logits = Tensor::filled({1, 3, 1, 1}, 0.0f);
    const uint8_t label = 3;
    EXPECT_THROW(softmax_cross_entropy(logits, &label, 1.0f), Error);
}

TEST(LogitsNode, IsTheInputOfAFinalSoftmaxElseTheLastNode) {
    const Graph lenet = zoo_build("lenet5");
    EXPECT_EQ(logits_node(lenet), lenet.find("fc3"));
    Graph g("plain");
    g.add_input("input", {1, 4, 1, 1});
    const int fc = g.add("fc", make_linear(4, 3), {0});
    EXPECT_EQ(logits_node(g), fc);
}

}  // namespace
}  // namespace cl::testing
