// Kernel surgery: zeroed, scaled and replaced filters against hand-computed outputs, restoring
// edits, the original graph left untouched, its one-line errors, and Winograd's cached weights
// not going stale when a conv that has already run is edited.
#include <gtest/gtest.h>

#include <numeric>

#include "engine/error.h"
#include "engine/graph.h"
#include "engine/ops/reference.h"
#include "engine/surgery.h"
#include "op_test_util.h"

namespace cl {
namespace {

using testing::random_tensor;

// x: 1x1x3x3 holding 1..9; conv: 3 filters of 3x3 (no padding), so each output is one number:
// filter k is all (k+1) with bias 10*(k+1), giving 45*(k+1) + 10*(k+1) = 55*(k+1).
Graph tiny_graph() {
    Graph g("tiny");
    g.add_input("x", {1, 1, 3, 3});
    const int c = g.add("conv", make_conv2d(1, conv(3, 3)), {0});
    g.add("relu", make_relu(), {c});
    for (const NamedParam& p : g.node(c).op->params()) {
        const int64_t per = p.value->numel() / 3;
        for (int64_t i = 0; i < p.value->numel(); ++i)
            (*p.value)[i] = float(i / per + 1) * (p.name == "bias" ? 10.0f : 1.0f);
    }
    return g;
}

Tensor ones_to_nine() {
    Tensor x = Tensor::zeros({1, 1, 3, 3});
    std::iota(x.data(), x.data() + 9, 1.0f);
    return x;
}

// The three conv outputs of the tiny graph for 1..9.
std::vector<float> conv_out(const Graph& g) {
    return g.forward(ones_to_nine()).outputs[1].to_vector();
}

FilterReplacement centre_tap(const std::string& node, int channel, float bias) {
    FilterReplacement r;
    r.node = node;
    r.channel = channel;
    r.weights = {0, 0, 0, 0, 1, 0, 0, 0, 0};  // picks the centre pixel, 5
    r.bias = bias;
    return r;
}

TEST(Surgery, TheTinyGraphGivesTheHandValues) {
    EXPECT_EQ(conv_out(tiny_graph()), (std::vector<float>{55, 110, 165}));
}

TEST(Surgery, ZeroScaleAndReplaceGiveTheHandValues) {
    const Graph original = tiny_graph();
    Surgery s;
    s.zero("conv", 0);
    s.scale("conv", 1, -0.5f);                // (90 + 20) * -0.5
    s.replace(centre_tap("conv", 2, 0.25f));  // 5 + 0.25
    const Graph edited = s.apply(original);
    EXPECT_EQ(conv_out(edited), (std::vector<float>{0, -55, 5.25f}));
    const Tensor& w = *edited.node(1).param("weight");
    EXPECT_EQ(w.at(0, 0, 1, 1), 0.0f);
    EXPECT_EQ(w.at(1, 0, 0, 0), -1.0f);
    EXPECT_EQ(w.at(2, 0, 1, 1), 1.0f);
    EXPECT_EQ(w.at(2, 0, 0, 0), 0.0f);
    EXPECT_EQ((*edited.node(1).param("bias"))[1], -10.0f);
    // The original graph and its parameters are untouched.
    EXPECT_EQ(conv_out(original), (std::vector<float>{55, 110, 165}));
    EXPECT_EQ(original.node(1).param("weight")->at(0, 0, 1, 1), 1.0f);
}

TEST(Surgery, RestoreDropsEditsOfAFilterALayerOrAll) {
    const Graph original = tiny_graph();
    Surgery s;
    s.zero("conv", 0);
    s.scale("conv", 1, 2.0f);
    s.scale("conv", 2, 2.0f);
    EXPECT_EQ(conv_out(s.apply(original)), (std::vector<float>{0, 220, 330}));
    s.restore_filter("conv", 1);
    EXPECT_EQ(conv_out(s.apply(original)), (std::vector<float>{0, 110, 330}));
    s.restore_layer("other");  // nothing of it
    EXPECT_EQ(s.edits().size(), 2u);
    s.restore_layer("conv");
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(conv_out(s.apply(original)), (std::vector<float>{55, 110, 165}));
    s.zero("conv", 2);
    s.restore_all();
    EXPECT_TRUE(s.empty());
}

TEST(Surgery, ScalesAccumulateAndAZeroOrReplaceOverwritesEarlierEdits) {
    const Graph original = tiny_graph();
    Surgery s;
    s.scale("conv", 0, 2.0f);
    s.scale("conv", 0, 3.0f);
    EXPECT_EQ(conv_out(s.apply(original))[0], 330.0f);
    s.replace(centre_tap("conv", 0, 1.0f));  // drops both scales
    ASSERT_EQ(s.edits().size(), 1u);
    EXPECT_EQ(conv_out(s.apply(original))[0], 6.0f);
    s.scale("conv", 0, 2.0f);  // scales the replacement
    EXPECT_EQ(conv_out(s.apply(original))[0], 12.0f);
    s.zero("conv", 0);
    ASSERT_EQ(s.edits().size(), 1u);
    EXPECT_EQ(s.edits()[0].kind, FilterEdit::Kind::Zero);
}

TEST(Surgery, EqualityComparesTheEdits) {
    Surgery a, b;
    a.replace(centre_tap("conv", 1, 0.5f));
    b.replace(centre_tap("conv", 1, 0.5f));
    EXPECT_EQ(a, b);
    b.replace(centre_tap("conv", 1, 0.75f));
    EXPECT_NE(a, b);
    EXPECT_EQ(centre_tap("conv", 1, 0.5f), centre_tap("conv", 1, 0.5f));
    EXPECT_NE(centre_tap("conv", 1, 0.5f), centre_tap("conv", 2, 0.5f));
}

std::string error_of(const Surgery& s, const Graph& g) {
    try {
        s.apply(g);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(Surgery, ErrorsNameTheNodeAndTheChannel) {
    const Graph g = tiny_graph();
    Surgery no_filter;
    no_filter.zero("conv", 9);
    EXPECT_EQ(error_of(no_filter, g), "kernel surgery: conv has no filter 9 (it has 3, 0 to 2)");
    Surgery negative;
    negative.scale("conv", -1, 2.0f);
    EXPECT_EQ(error_of(negative, g), "kernel surgery: conv has no filter -1 (it has 3, 0 to 2)");
    Surgery wrong_size;
    FilterReplacement r = centre_tap("conv", 1, 0.0f);
    r.weights.resize(25, 0.0f);
    wrong_size.replace(r);
    EXPECT_EQ(error_of(wrong_size, g),
              "kernel surgery: conv filters have 9 weights, the replacement has 25");
    Surgery absent;
    absent.zero("conv9", 0);
    EXPECT_EQ(error_of(absent, g), "kernel surgery: the model has no layer named 'conv9'");
    Surgery relu;
    relu.zero("relu", 0);
    EXPECT_EQ(error_of(relu, g), "kernel surgery: relu is a Relu layer, not a convolution");
    Surgery input;
    input.zero("x", 0);
    EXPECT_EQ(error_of(input, g), "kernel surgery: x is the input, not a convolution");
}

TEST(Surgery, ARefusedEditLeavesTheGraphAsItWas) {
    Graph g = tiny_graph();
    FilterEdit e;
    e.kind = FilterEdit::Kind::Replace;
    e.node = "conv";
    e.channel = 1;
    e.weights.assign(4, 7.0f);
    e.bias = 3.0f;
    EXPECT_THROW(apply_edit(g, e), Error);
    EXPECT_EQ(conv_out(g), (std::vector<float>{55, 110, 165}));
}

TEST(Surgery, GroupedConvFiltersHoldTheirGroupsChannels) {
    Graph g("grouped");
    g.add_input("x", {1, 4, 3, 3});
    g.add("conv", make_conv2d(4, conv(2, 3).with_groups(2)), {0});  // filters of 2 channels
    FilterEdit e;
    e.kind = FilterEdit::Kind::Replace;
    e.node = "conv";
    e.channel = 1;
    e.weights.assign(18, 1.0f);
    e.bias = 0.5f;
    apply_edit(g, e);
    Tensor x = Tensor::filled({1, 4, 3, 3}, 1.0f);
    const Tensor out = g.forward(x).outputs[1];
    EXPECT_EQ(out.at(0, 0, 0, 0), 0.0f);   // filter 0 untouched: zero-initialised
    EXPECT_EQ(out.at(0, 1, 0, 0), 18.5f);  // 18 ones over channels 2-3, plus the bias
    e.weights.assign(36, 1.0f);
    EXPECT_THROW(apply_edit(g, e), Error);
}

TEST(Surgery, TheGuiRequestFormSkipsAbsentZeroedPairsAndRefusesBadReplacements) {
    const Graph original = tiny_graph();
    Graph g = zero_channels(original, {{"conv", 1}, {"conv", 7}, {"conv2", 0}, {"relu", 0}});
    EXPECT_EQ(conv_out(g), (std::vector<float>{55, 0, 165}));
    replace_filters(g, {centre_tap("conv", 0, 0.0f)});
    EXPECT_EQ(conv_out(g), (std::vector<float>{5, 0, 165}));
    EXPECT_THROW(replace_filters(g, {centre_tap("conv", 3, 0.0f)}), Error);
    EXPECT_TRUE(has_filter(original, "conv", 2));
    EXPECT_FALSE(has_filter(original, "conv", 3));
    EXPECT_FALSE(has_filter(original, "relu", 0));
    EXPECT_EQ(conv_out(original), (std::vector<float>{55, 110, 165}));
}

// 64 -> 64 channels, 3x3, pad 1: Conv2d runs Winograd and caches the transformed weights on the
// first pass. An edit of the same graph afterwards must be seen by the next pass.
TEST(Surgery, WinogradWeightsAreNotStaleAfterAnEdit) {
    const Conv2dParams params = conv(64, 3).with_pad(1);
    for (int side : {16, 28}) {  // F(2x2) and F(4x4) tiles
        Graph g("winograd");
        g.add_input("x", {1, 64, side, side});
        g.add("conv", make_conv2d(64, params), {0});
        uint32_t seed = 1;
        for (GraphParam& p : g.params()) {
            const Tensor r = random_tensor(p.param.value->shape(), seed++);
            std::copy(r.data(), r.data() + r.numel(), p.param.value->data());
        }
        const Tensor x = random_tensor({1, 64, side, side}, 9);
        auto reference = [&](const Graph& graph) {
            const Node& n = graph.node(1);
            return conv2d_reference(x, *n.param("weight"), n.param("bias"), params);
        };
        EXPECT_TENSORS_CLOSE(g.forward(x).outputs[1], reference(g), 1e-3f, 1e-3f);

        Surgery s;
        FilterReplacement r;
        r.node = "conv";
        r.channel = 5;
        r.weights = random_tensor({1, 64, 3, 3}, 20).to_vector();
        r.bias = 2.0f;
        s.replace(r);
        s.scale("conv", 7, -3.0f);
        s.zero("conv", 63);
        const Graph copy = s.apply(g);
        for (const FilterEdit& e : s.edits()) apply_edit(g, e);  // in place, after a pass
        const Tensor edited = g.forward(x).outputs[1];
        const Tensor want = reference(g);
        EXPECT_TENSORS_CLOSE(edited, want, 1e-3f, 1e-3f) << side;
        EXPECT_TENSORS_CLOSE(copy.forward(x).outputs[1], want, 1e-3f, 1e-3f) << side;
        EXPECT_EQ(edited.at(0, 63, 3, 4), 0.0f);
    }
}

}  // namespace
}  // namespace cl
