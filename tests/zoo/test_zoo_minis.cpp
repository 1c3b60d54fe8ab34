// The classroom-scale models keep their paper's idea: checked on the graph's structure, not on
// a hard-coded count. Parameters stay under about 1.5 M, the input is 1x28x28, the output 10.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "engine/summary.h"
#include "engine/zoo/zoo.h"

namespace cl {
namespace {

Graph structure(const std::string& name) {
    ZooOptions o;
    o.initialize = false;
    return zoo_build(name, o);
}

int count_kind(const Graph& g, OpKind kind) {
    int n = 0;
    for (const Node& node : g.nodes())
        if (node.op && node.op->kind() == kind) ++n;
    return n;
}

const Conv2dParams* conv_params(const Node& node) {
    static thread_local OpAttributes attrs;
    attrs = node.op->attributes();
    return std::get_if<Conv2dParams>(&attrs);
}

class MiniModel : public ::testing::TestWithParam<const char*> {};

TEST_P(MiniModel, IsClassroomSized) {
    const Graph g = structure(GetParam());
    EXPECT_EQ(g.input_shape(), (Shape{1, 1, 28, 28}));
    EXPECT_EQ(g.node(g.output_index()).shape.per_sample(), 10);
    EXPECT_LE(g.param_count(), 1'500'000);
    EXPECT_GE(g.param_count(), 10'000);  // not a toy: each has tens of thousands or more
    const ModelSummary s = summarize(g);
    EXPECT_EQ(s.total_params, g.param_count());
    EXPECT_GT(s.total_macs, 1'000'000);
    EXPECT_LT(s.total_macs, 20'000'000);  // trains in minutes on two cores
}

INSTANTIATE_TEST_SUITE_P(Zoo, MiniModel,
                         ::testing::Values("alexnet-mini", "vgg-mini", "googlenet-mini",
                                           "resnet-mini"));

TEST(MiniModels, AlexNetMiniHasAStridedLargeFirstKernelLrnOverlappingPoolsAndDropout) {
    const Graph g = structure("alexnet-mini");
    const Conv2dParams* first = conv_params(g.node(g.require("conv1")));
    ASSERT_NE(first, nullptr);
    EXPECT_GE(first->kernel, 5);
    EXPECT_GE(first->stride, 2);
    EXPECT_EQ(count_kind(g, OpKind::Lrn), 2);
    EXPECT_EQ(count_kind(g, OpKind::Dropout), 2);
    EXPECT_EQ(count_kind(g, OpKind::Conv2d), 5);
    int overlapping = 0;
    for (const Node& n : g.nodes()) {
        const OpAttributes a = n.op ? n.op->attributes() : OpAttributes{};
        if (const PoolParams* p = std::get_if<PoolParams>(&a))
            overlapping += p->kernel > p->stride ? 1 : 0;
    }
    EXPECT_EQ(overlapping, 3);
}

TEST(MiniModels, VggMiniHasOnly3x3ConvsAndDoublesChannelsAfterEachPool) {
    const Graph g = structure("vgg-mini");
    int last_width = 0, convs = 0;
    for (const Node& n : g.nodes()) {
        if (!n.op || n.op->kind() != OpKind::Conv2d) continue;
        const Conv2dParams* p = conv_params(n);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(p->kernel, 3) << n.name;
        EXPECT_EQ(p->stride, 1) << n.name;
        EXPECT_TRUE(p->out_channels == last_width || p->out_channels == 2 * last_width ||
                    last_width == 0)
            << n.name;
        last_width = p->out_channels;
        ++convs;
    }
    EXPECT_EQ(convs, 5);
    EXPECT_EQ(g.node(g.require("pool1")).shape.c, 16);
    EXPECT_EQ(g.node(g.require("conv2_1")).shape.c, 32);
    EXPECT_EQ(g.node(g.require("conv3_1")).shape.c, 64);
}

TEST(MiniModels, GoogLeNetMiniHasInceptionModulesWithReductionsAndGlobalAveragePooling) {
    const Graph g = structure("googlenet-mini");
    EXPECT_GE(count_kind(g, OpKind::Concat), 2);
    for (const char* module : {"inception3a", "inception4a", "inception4b"}) {
        const std::string m = module;
        const Conv2dParams* reduce = conv_params(g.node(g.require(m + "/3x3_reduce")));
        ASSERT_NE(reduce, nullptr);
        EXPECT_EQ(reduce->kernel, 1);
        const int in_c = g.node(g.node(g.require(m + "/3x3_reduce")).inputs[0]).shape.c;
        EXPECT_LT(reduce->out_channels, in_c) << m << ": the 1x1 reduces the channels";
    }
    EXPECT_EQ(count_kind(g, OpKind::GlobalAvgPool), 1);
    EXPECT_EQ(count_kind(g, OpKind::Linear), 1);  // no big fully connected layers
}

TEST(MiniModels, ResNetMiniHasBatchNormResidualAddsAndProjectionShortcuts) {
    const Graph g = structure("resnet-mini");
    EXPECT_EQ(count_kind(g, OpKind::Add), 3);
    EXPECT_EQ(count_kind(g, OpKind::BatchNorm2d),
              9);  // stem + 2 in each of 3 blocks + 2 projections
    const Conv2dParams* proj = conv_params(g.node(g.require("layer2.0.downsample.0")));
    ASSERT_NE(proj, nullptr);
    EXPECT_EQ(proj->kernel, 1);
    EXPECT_EQ(proj->stride, 2);
    EXPECT_EQ(g.node(g.require("layer3.0.add")).shape, (Shape{1, 96, 4, 4}));
    EXPECT_EQ(g.find("layer1.0.downsample.0"), -1) << "same shape: identity shortcut";
}

}  // namespace
}  // namespace cl
