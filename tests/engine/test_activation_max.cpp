// Activation maximisation (engine/explain/activation_max.h): the objective rises over the first
// steps on LeNet-5 for a conv channel and for a class logit; images stay in range; refusals.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/explain/activation_max.h"
#include "engine/model_loader.h"
#include "engine/train/loss.h"
#include "testing.h"

namespace cl {
namespace {

TEST(ActivationMax, RaisesAConvChannelOnLeNet5) {
    Graph g = load_model("lenet5");
    ActivationMaxOptions o;
    o.node = g.require("conv2");
    o.channel = 3;
    ActivationMaximizer m(g, o);
    const double start = m.objective_of(m.image());
    ActivationMaxStep last;
    for (int i = 0; i < 20; ++i) last = m.step();
    EXPECT_EQ(last.step, 20);
    EXPECT_EQ(m.steps(), 20);
    const double end = m.objective_of(m.image());
    std::printf("conv2 channel 3: mean activation %.4f -> %.4f after 20 steps\n", start, end);
    EXPECT_GT(end, start + 0.5 * std::fabs(start) + 0.1);
    for (int64_t i = 0; i < last.image.numel(); ++i) {
        EXPECT_GE(last.image[i], 0.0f);
        EXPECT_LE(last.image[i], 1.0f);
    }
}

TEST(ActivationMax, RaisesAClassLogitOnLeNet5) {
    Graph g = load_model("lenet5");
    ActivationMaximizer m(g, ActivationMaxOptions::for_class(g, 8));
    const double start = m.objective_of(m.image());
    double previous = start;
    int rises = 0;
    for (int i = 0; i < 30; ++i) {
        m.step();
        const double now = m.objective_of(m.image());
        rises += now > previous ? 1 : 0;
        previous = now;
    }
    std::printf("class 8 logit: %.3f -> %.3f after 30 steps (%d of 30 steps rose)\n", start,
                previous, rises);
    EXPECT_GT(previous, start + 1.0);
    EXPECT_GE(rises, 15);
    const int logits = logits_node(g);
    EXPECT_EQ(arg_max(g.forward(m.image()).outputs[size_t(logits)], 0), 8);
}

TEST(ActivationMax, Refusals) {
    Graph g = load_model("lenet5");
    ActivationMaxOptions o;
    o.node = 0;
    EXPECT_THROW(ActivationMaximizer(g, o), Error);
    o.node = g.require("conv1");
    o.channel = 6;
    EXPECT_THROW(ActivationMaximizer(g, o), Error);
}

}  // namespace
}  // namespace cl
