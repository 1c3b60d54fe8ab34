// The Compare view's engine side: network depth as the ILSVRC papers count it, and the ILSVRC
// history table checked against the published figures (typed here independently).
#include <gtest/gtest.h>

#include <string>

#include "engine/explain/imagenet_history.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {
struct DepthCase {
    const char* model;
    int depth;  // weight layers on the longest path, from the papers
};

Graph structure_only(const std::string& model) {
    ZooOptions o;
    o.initialize = false;
    return zoo_build(model, o);
}
}  // namespace

class WeightLayerDepth : public ::testing::TestWithParam<DepthCase> {};

TEST_P(WeightLayerDepth, MatchesThePaper) {
    const Graph g = structure_only(GetParam().model);
    EXPECT_EQ(weight_layer_depth(g), GetParam().depth);
    const std::vector<int> per_node = weight_layer_depths(g);
    ASSERT_EQ(int(per_node.size()), g.size());
    EXPECT_EQ(per_node.front(), 0) << "the input has no weight layer before it";
}

INSTANTIATE_TEST_SUITE_P(Zoo, WeightLayerDepth,
                         ::testing::Values(DepthCase{"lenet5", 5}, DepthCase{"alexnet", 8},
                                           DepthCase{"vgg11", 11}, DepthCase{"vgg16", 16},
                                           DepthCase{"vgg19", 19}, DepthCase{"googlenet", 22},
                                           DepthCase{"resnet18", 18}, DepthCase{"resnet34", 34}),
                         [](const auto& info) { return std::string(info.param.model); });

TEST(WeightLayerDepth, ShortcutsAreAShorterPathNotExtraDepth) {
    // ResNet-18 has 20 convolutions + 1 fc (3 of them 1x1 projections) but is 18 deep.
    const Graph g = structure_only("resnet18");
    int weight_layers = 0;
    for (const Node& n : g.nodes())
        if (n.op && (n.op->kind() == OpKind::Conv2d || n.op->kind() == OpKind::Linear))
            ++weight_layers;
    EXPECT_EQ(weight_layers, 21);
    EXPECT_EQ(weight_layer_depth(g), 18);
}

TEST(IlsvrcHistory, TopFiveErrorsAndDepthsAsPublished) {
    struct Expected {
        int year;
        const char* network;
        double error;
        int depth;
        bool winner;
    };
    const Expected expected[] = {
        {2010, "", 28.2, 0, true},        {2011, "", 25.8, 0, true},
        {2012, "AlexNet", 16.4, 8, true}, {2013, "ZFNet", 11.7, 8, true},
        {2014, "VGG", 7.3, 19, false},    {2014, "GoogLeNet", 6.7, 22, true},
        {2015, "ResNet", 3.57, 152, true}};
    const std::vector<IlsvrcEntry>& h = ilsvrc_history();
    ASSERT_EQ(h.size(), std::size(expected));
    for (size_t i = 0; i < h.size(); ++i) {
        SCOPED_TRACE(h[i].team);
        EXPECT_EQ(h[i].year, expected[i].year);
        EXPECT_STREQ(h[i].network, expected[i].network);
        EXPECT_DOUBLE_EQ(h[i].top5_error, expected[i].error);
        EXPECT_EQ(h[i].depth, expected[i].depth);
        EXPECT_EQ(h[i].winner, expected[i].winner);
        EXPECT_NE(std::string(h[i].source), "");
    }
    EXPECT_DOUBLE_EQ(ilsvrc_human_top5_error(), 5.1);
    EXPECT_NE(std::string(ilsvrc_citation()).find("Russakovsky"), std::string::npos);
}

TEST(IlsvrcHistory, ZooLinksExistAndHaveThePapersDepthOrSayWhyNot) {
    for (const IlsvrcEntry& e : ilsvrc_history()) {
        if (!*e.zoo_model) continue;
        SCOPED_TRACE(e.zoo_model);
        ASSERT_NE(zoo_find(e.zoo_model), nullptr);
        const int depth = weight_layer_depth(structure_only(e.zoo_model));
        if (depth != e.depth)
            EXPECT_NE(std::string(e.zoo_note), "") << "the zoo model differs without a note";
        else
            EXPECT_EQ(std::string(e.zoo_note), "");
    }
}

}  // namespace cl
