// A forward pass of every zoo model at its input size, all activations kept: every node's
// output has the shape the graph promised, every value is written (outputs start as NaN),
// nothing overflows, and the logits are not constant.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/zoo/zoo.h"
#include "testing.h"

namespace cl {
namespace {

// He-uniform from a cheap generator, for the three 130M-parameter VGGs and AlexNet, whose
// Box-Muller He initialisation alone would take seconds; the smaller models use the zoo's own.
void quick_init(Graph& g) {
    uint32_t state = 12345;
    for (int i = 0; i < g.size(); ++i) {
        const bool bn = g.node(i).op->kind() == OpKind::BatchNorm2d;
        for (NamedParam& p : g.node(i).op->params()) {
            Tensor& t = *p.value;
            if (bn) {
                t.fill(p.name == "weight" || p.name == "running_var" ? 1.0f : 0.0f);
            } else if (p.name == "bias") {
                t.fill(0.0f);
            } else {
                const float a = std::sqrt(6.0f / float(t.shape().per_sample()));
                for (int64_t k = 0; k < t.numel(); ++k) {
                    state = state * 1664525u + 1013904223u;
                    t[k] = a * (float(state >> 8) / 8388608.0f - 1.0f);  // uniform [-a, a)
                }
            }
        }
    }
}

struct ForwardCase {
    const char* model;
    bool quick_init;
};
void PrintTo(const ForwardCase& c, std::ostream* os) {
    *os << c.model;
}

class ZooForward : public ::testing::TestWithParam<ForwardCase> {};

TEST_P(ZooForward, EveryNodeHasItsShapeAndFiniteValues) {
    ZooOptions options;
    options.initialize = !GetParam().quick_init;
    Graph g = zoo_build(GetParam().model, options);
    if (GetParam().quick_init) quick_init(g);
    const Tensor input = testing::random_tensor(g.input_shape(), 3, 0.0f, 1.0f);
    RunControl poisoned;  // every output NaN until its op writes it: a value left unwritten
    poisoned.poison_outputs = true;  // fails the finiteness check below
    const Activations acts = g.forward(input, poisoned);
    ASSERT_EQ(acts.outputs.size(), size_t(g.size()));
    for (int i = 0; i < g.size(); ++i) {
        const Tensor& t = acts.outputs[size_t(i)];
        ASSERT_EQ(t.shape(), g.node(i).shape) << g.node(i).name;
        for (int64_t k = 0; k < t.numel(); ++k)
            ASSERT_TRUE(std::isfinite(t[k])) << g.node(i).name << " index " << k;
    }
    const Tensor& out = acts.outputs.back();
    float lo = out[0], hi = out[0];
    for (int64_t k = 0; k < out.numel(); ++k) {
        lo = std::min(lo, out[k]);
        hi = std::max(hi, out[k]);
    }
    EXPECT_GT(hi - lo, 1e-6f) << "constant output";
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, ZooForward,
    ::testing::Values(ForwardCase{"lenet5", false}, ForwardCase{"tinyvgg", false},
                      ForwardCase{"alexnet", true}, ForwardCase{"vgg11", true},
                      ForwardCase{"vgg16", true}, ForwardCase{"vgg19", true},
                      ForwardCase{"googlenet", false}, ForwardCase{"inception3a", false},
                      ForwardCase{"inception3a-naive", false}, ForwardCase{"resnet18", false},
                      ForwardCase{"resnet18-plain-count", false}, ForwardCase{"resnet34", false}),
    [](const auto& info) {
        std::string n = info.param.model;
        for (char& ch : n)
            if (ch == '-') ch = '_';
        return n;
    });

TEST(ZooForward, PlainCountShortcutCarriesTheSubsampledInput) {
    // Where layer2 begins, the shortcut is x[:, :, ::2, ::2] with 64 zero channels appended.
    Graph g = zoo_build("resnet18-plain-count");
    const Activations acts = g.forward(testing::random_tensor(g.input_shape(), 5, 0.0f, 1.0f));
    const Tensor& x = acts.outputs[size_t(g.require("layer1.1.relu_out"))];
    const Tensor& s = acts.outputs[size_t(g.require("layer2.0.shortcut"))];
    ASSERT_EQ(s.shape(), (Shape{1, 128, 28, 28}));
    for (int c = 0; c < 128; ++c)
        for (int h = 0; h < 28; ++h)
            for (int w = 0; w < 28; ++w)
                ASSERT_EQ(s.at(0, c, h, w), c < 64 ? x.at(0, c, 2 * h, 2 * w) : 0.0f)
                    << c << "," << h << "," << w;
}

TEST(ZooForward, SameSeedSameWeights) {
    Graph a = zoo_build("tinyvgg"), b = zoo_build("tinyvgg");
    ZooOptions other;
    other.seed = 7;
    Graph c = zoo_build("tinyvgg", other);
    const Tensor x = testing::random_tensor(a.input_shape(), 9);
    EXPECT_TENSORS_CLOSE(a.forward(x).outputs.back(), b.forward(x).outputs.back(), 0.0f, 0.0f);
    EXPECT_FALSE(testing::tensors_close(a.forward(x).outputs.back(), c.forward(x).outputs.back()));
}

}  // namespace
}  // namespace cl
