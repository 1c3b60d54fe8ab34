// The zoo against the papers' tables: totals, every layer's output shape for LeNet-5, AlexNet
// and VGG16, the spot rows lecture tables quote, and stage shapes of GoogLeNet and ResNet.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/zoo/zoo.h"

namespace cl {
namespace {

Graph structure(const std::string& name, bool lrn = false) {
    ZooOptions o;
    o.initialize = false;
    o.lrn = lrn;
    return zoo_build(name, o);
}

int64_t node_params(const Graph& g, const std::string& node) {
    int64_t total = 0;
    for (const NamedParam& p : g.node(g.require(node)).op->params())
        if (p.trainable) total += p.value->numel();
    return total;
}

Shape out_shape(const Graph& g, const std::string& node) {
    return g.node(g.require(node)).shape;
}

// ---- totals --------------------------------------------------------------------------------

struct TotalCase {
    const char* model;
    int64_t params;
};

void PrintTo(const TotalCase& c, std::ostream* os) {
    *os << c.model;
}

class ZooTotal : public ::testing::TestWithParam<TotalCase> {};

TEST_P(ZooTotal, ParamCountMatchesThePaper) {
    EXPECT_EQ(structure(GetParam().model).param_count(), GetParam().params);
}

// Hand sums: LeNet-5 156+2,416+48,120+10,164+850; TinyVGG 280+3*910+16,910; the inception 3a
// sums are derived in the InceptionBlock tests below. The rest are the papers' / torchvision's.
INSTANTIATE_TEST_SUITE_P(
    Zoo, ZooTotal,
    ::testing::Values(TotalCase{"lenet5", 61706}, TotalCase{"alexnet", 62378344},
                      TotalCase{"vgg11", 132863336}, TotalCase{"vgg16", 138357544},
                      TotalCase{"vgg19", 143667240}, TotalCase{"googlenet", 6998552},
                      TotalCase{"inception3a", 163696}, TotalCase{"inception3a-naive", 387296},
                      TotalCase{"resnet18", 11689512}, TotalCase{"resnet18-plain-count", 11511784},
                      TotalCase{"resnet34", 21797672}, TotalCase{"tinyvgg", 19920}),
    [](const auto& info) {
        std::string n = info.param.model;
        for (char& ch : n)
            if (ch == '-') ch = '_';
        return n;
    });

TEST(Zoo, EveryEntryBuildsUnderItsOwnNameAndTheListHasEveryModel) {
    std::vector<std::string> names;
    for (const ZooEntry& e : zoo_list()) {
        names.push_back(e.name);
        EXPECT_FALSE(std::string(e.description).empty()) << e.name;
    }
    for (const char* expected :
         {"lenet5", "alexnet", "vgg11", "vgg16", "vgg19", "googlenet", "inception3a",
          "inception3a-naive", "resnet18", "resnet18-plain-count", "resnet34", "tinyvgg"})
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    EXPECT_THROW(zoo_build("resnet19"), Error);
}

// ---- every layer's output shape ------------------------------------------------------------

struct Row {
    const char* name;
    int c, h, w;
};

void expect_layers(const Graph& g, const std::vector<Row>& rows) {
    ASSERT_EQ(size_t(g.size()), rows.size()) << g.name();
    for (size_t i = 0; i < rows.size(); ++i) {
        const Node& n = g.node(int(i));
        EXPECT_EQ(n.name, rows[i].name) << "row " << i;
        EXPECT_EQ(n.shape, (Shape{1, rows[i].c, rows[i].h, rows[i].w})) << rows[i].name;
    }
}

TEST(ZooShapes, LeNet5EveryLayer) {
    expect_layers(structure("lenet5"), {{"input", 1, 28, 28},
                                        {"conv1", 6, 28, 28},
                                        {"relu1", 6, 28, 28},
                                        {"pool1", 6, 14, 14},
                                        {"conv2", 16, 10, 10},
                                        {"relu2", 16, 10, 10},
                                        {"pool2", 16, 5, 5},
                                        {"flatten", 400, 1, 1},
                                        {"fc1", 120, 1, 1},
                                        {"relu3", 120, 1, 1},
                                        {"fc2", 84, 1, 1},
                                        {"relu4", 84, 1, 1},
                                        {"fc3", 10, 1, 1},
                                        {"softmax", 10, 1, 1}});
}

TEST(ZooShapes, AlexNetEveryLayer) {
    expect_layers(structure("alexnet"),
                  {{"input", 3, 227, 227},    {"conv1", 96, 55, 55},   {"relu1", 96, 55, 55},
                   {"maxpool1", 96, 27, 27},  {"conv2", 256, 27, 27},  {"relu2", 256, 27, 27},
                   {"maxpool2", 256, 13, 13}, {"conv3", 384, 13, 13},  {"relu3", 384, 13, 13},
                   {"conv4", 384, 13, 13},    {"relu4", 384, 13, 13},  {"conv5", 256, 13, 13},
                   {"relu5", 256, 13, 13},    {"maxpool3", 256, 6, 6}, {"flatten", 9216, 1, 1},
                   {"dropout6", 9216, 1, 1},  {"fc6", 4096, 1, 1},     {"relu6", 4096, 1, 1},
                   {"dropout7", 4096, 1, 1},  {"fc7", 4096, 1, 1},     {"relu7", 4096, 1, 1},
                   {"fc8", 1000, 1, 1}});
}

TEST(ZooShapes, AlexNetLrnOnlyWhenAsked) {
    const Graph with = structure("alexnet", true);
    EXPECT_EQ(with.size(), structure("alexnet").size() + 2);
    // The paper: normalisation after the ReLU of conv1 and conv2, before their max-pools.
    EXPECT_EQ(with.node(with.require("lrn1")).inputs, std::vector<int>{with.require("relu1")});
    EXPECT_EQ(with.node(with.require("maxpool1")).inputs, std::vector<int>{with.require("lrn1")});
    EXPECT_EQ(with.node(with.require("maxpool2")).inputs, std::vector<int>{with.require("lrn2")});
    EXPECT_EQ(with.param_count(), 62378344);
    EXPECT_EQ(structure("alexnet").find("lrn1"), -1);
}

TEST(ZooShapes, Vgg16EveryLayer) {
    expect_layers(
        structure("vgg16"),
        {{"input", 3, 224, 224},     {"conv1_1", 64, 224, 224},  {"relu1_1", 64, 224, 224},
         {"conv1_2", 64, 224, 224},  {"relu1_2", 64, 224, 224},  {"maxpool1", 64, 112, 112},
         {"conv2_1", 128, 112, 112}, {"relu2_1", 128, 112, 112}, {"conv2_2", 128, 112, 112},
         {"relu2_2", 128, 112, 112}, {"maxpool2", 128, 56, 56},  {"conv3_1", 256, 56, 56},
         {"relu3_1", 256, 56, 56},   {"conv3_2", 256, 56, 56},   {"relu3_2", 256, 56, 56},
         {"conv3_3", 256, 56, 56},   {"relu3_3", 256, 56, 56},   {"maxpool3", 256, 28, 28},
         {"conv4_1", 512, 28, 28},   {"relu4_1", 512, 28, 28},   {"conv4_2", 512, 28, 28},
         {"relu4_2", 512, 28, 28},   {"conv4_3", 512, 28, 28},   {"relu4_3", 512, 28, 28},
         {"maxpool4", 512, 14, 14},  {"conv5_1", 512, 14, 14},   {"relu5_1", 512, 14, 14},
         {"conv5_2", 512, 14, 14},   {"relu5_2", 512, 14, 14},   {"conv5_3", 512, 14, 14},
         {"relu5_3", 512, 14, 14},   {"maxpool5", 512, 7, 7},    {"flatten", 25088, 1, 1},
         {"fc6", 4096, 1, 1},        {"relu6", 4096, 1, 1},      {"dropout6", 4096, 1, 1},
         {"fc7", 4096, 1, 1},        {"relu7", 4096, 1, 1},      {"dropout7", 4096, 1, 1},
         {"fc8", 1000, 1, 1}});
}

TEST(ZooShapes, TinyVggEveryLayer) {
    expect_layers(structure("tinyvgg"), {{"input", 3, 64, 64},
                                         {"conv_1_1", 10, 62, 62},
                                         {"relu_1_1", 10, 62, 62},
                                         {"conv_1_2", 10, 60, 60},
                                         {"relu_1_2", 10, 60, 60},
                                         {"max_pool_1", 10, 30, 30},
                                         {"conv_2_1", 10, 28, 28},
                                         {"relu_2_1", 10, 28, 28},
                                         {"conv_2_2", 10, 26, 26},
                                         {"relu_2_2", 10, 26, 26},
                                         {"max_pool_2", 10, 13, 13},
                                         {"flatten", 1690, 1, 1},
                                         {"output", 10, 1, 1},
                                         {"softmax", 10, 1, 1}});
}

TEST(ZooShapes, GoogLeNetStagesAndInceptionOutputs) {
    const Graph g = structure("googlenet");
    EXPECT_EQ(out_shape(g, "conv1/7x7_s2"), (Shape{1, 64, 112, 112}));
    EXPECT_EQ(out_shape(g, "pool1/3x3_s2"), (Shape{1, 64, 56, 56}));
    EXPECT_EQ(out_shape(g, "conv2/3x3"), (Shape{1, 192, 56, 56}));
    EXPECT_EQ(out_shape(g, "pool2/3x3_s2"), (Shape{1, 192, 28, 28}));
    const std::vector<std::pair<std::string, Shape>> modules = {
        {"3a", {1, 256, 28, 28}}, {"3b", {1, 480, 28, 28}}, {"4a", {1, 512, 14, 14}},
        {"4b", {1, 512, 14, 14}}, {"4c", {1, 512, 14, 14}}, {"4d", {1, 528, 14, 14}},
        {"4e", {1, 832, 14, 14}}, {"5a", {1, 832, 7, 7}},   {"5b", {1, 1024, 7, 7}}};
    for (const auto& [id, shape] : modules) {
        const std::string name = "inception" + id + "/output";
        EXPECT_EQ(out_shape(g, name), shape) << name;
        EXPECT_EQ(g.node(g.require(name)).op->kind(), OpKind::Concat);
        EXPECT_GE(g.find("inception" + id + "/relu_pool_proj"), 0) << id;
    }
    EXPECT_EQ(out_shape(g, "pool5/7x7_s1"), (Shape{1, 1024, 1, 1}));
    EXPECT_EQ(g.node(g.require("pool5/7x7_s1")).op->kind(), OpKind::AvgPool2d);
    EXPECT_EQ(out_shape(g, "loss3/classifier"), (Shape{1, 1000, 1, 1}));
    // Every convolution is followed by its ReLU and carries a bias.
    for (int i = 0; i < g.size(); ++i) {
        if (g.node(i).op->kind() != OpKind::Conv2d) continue;
        EXPECT_EQ(g.node(i + 1).op->kind(), OpKind::Relu) << g.node(i).name;
        EXPECT_EQ(g.node(i).op->params().size(), 2u) << g.node(i).name;
    }
}

TEST(ZooShapes, GoogLeNetLrnOnlyWhenAsked) {
    EXPECT_EQ(structure("googlenet").find("pool1/norm1"), -1);
    const Graph g = structure("googlenet", true);
    EXPECT_GE(g.find("pool1/norm1"), 0);
    EXPECT_GE(g.find("conv2/norm2"), 0);
    EXPECT_EQ(g.param_count(), 6998552);
}

TEST(ZooShapes, ResNetStages) {
    for (const char* model : {"resnet18", "resnet18-plain-count", "resnet34"}) {
        const Graph g = structure(model);
        EXPECT_EQ(out_shape(g, "maxpool"), (Shape{1, 64, 56, 56})) << model;
        EXPECT_EQ(out_shape(g, "layer1.1.relu_out"), (Shape{1, 64, 56, 56})) << model;
        EXPECT_EQ(out_shape(g, "layer2.0.relu_out"), (Shape{1, 128, 28, 28})) << model;
        EXPECT_EQ(out_shape(g, "layer3.0.relu_out"), (Shape{1, 256, 14, 14})) << model;
        EXPECT_EQ(out_shape(g, "layer4.1.relu_out"), (Shape{1, 512, 7, 7})) << model;
        EXPECT_EQ(out_shape(g, "avgpool"), (Shape{1, 512, 1, 1})) << model;
        EXPECT_EQ(out_shape(g, "fc"), (Shape{1, 1000, 1, 1})) << model;
    }
    EXPECT_GE(structure("resnet34").find("layer3.5.relu_out"), 0);
}

TEST(ZooShapes, ResNet18BlockWiring) {
    const Graph g = structure("resnet18");
    // F(x) + x: the add takes bn2 and the block's input (identity) ...
    const Node& add1 = g.node(g.require("layer1.0.add"));
    EXPECT_EQ(add1.inputs, (std::vector<int>{g.require("layer1.0.bn2"), g.require("maxpool")}));
    // ... or the 1x1 stride-2 projection where the shape changes.
    const Node& add2 = g.node(g.require("layer2.0.add"));
    EXPECT_EQ(add2.inputs,
              (std::vector<int>{g.require("layer2.0.bn2"), g.require("layer2.0.downsample.1")}));
    const Node& proj = g.node(g.require("layer2.0.downsample.0"));
    EXPECT_EQ(proj.op->geometry().kernel, 1);
    EXPECT_EQ(proj.op->geometry().stride, 2);
    EXPECT_EQ(proj.op->params().size(), 1u);  // no bias
    EXPECT_EQ(g.node(g.require("layer2.0.downsample.1")).op->kind(), OpKind::BatchNorm2d);
}

TEST(ZooShapes, PlainCountHasBiasNoBatchNormAndParameterFreeShortcuts) {
    const Graph g = structure("resnet18-plain-count");
    int shortcuts = 0;
    for (const Node& n : g.nodes()) {
        EXPECT_NE(n.op->kind(), OpKind::BatchNorm2d) << n.name;
        if (n.op->kind() == OpKind::Conv2d) {
            EXPECT_EQ(n.op->params().size(), 2u) << n.name;
        }
        if (n.op->kind() == OpKind::ShortcutPad) {
            ++shortcuts;
            EXPECT_TRUE(n.op->params().empty());
        }
    }
    EXPECT_EQ(shortcuts, 3);  // entering layer2, layer3, layer4
    EXPECT_EQ(out_shape(g, "layer3.0.shortcut"), (Shape{1, 256, 14, 14}));
    EXPECT_EQ(g.node(g.require("layer1.0.add")).inputs[1], g.require("maxpool"));
}

// ---- spot rows -----------------------------------------------------------------------------

TEST(ZooSpotRows, TheNumbersLectureTablesQuote) {
    EXPECT_EQ(node_params(structure("alexnet"), "conv2"), 614656);  // (5*5*96+1)*256
    const Graph vgg16 = structure("vgg16");
    EXPECT_EQ(node_params(vgg16, "conv2_2"), 147584);  // conv3-128
    EXPECT_EQ(node_params(vgg16, "maxpool2"), 0);      // not 65,664
    const Graph googlenet = structure("googlenet");
    EXPECT_EQ(node_params(googlenet, "inception3a/3x3"), 110720);      // (3*3*96+1)*128
    EXPECT_EQ(node_params(googlenet, "inception3a/pool_proj"), 6176);  // (192+1)*32
    EXPECT_EQ(node_params(structure("resnet18-plain-count"), "layer4.0.conv1"),
              1180160);                                                        // conv5-1
    EXPECT_EQ(node_params(structure("resnet18"), "layer4.0.conv1"), 1179648);  // no bias
}

TEST(ZooSpotRows, GoogLeNetTotalIsTheHandSumOfThePapersTable) {
    auto conv = [](int64_t k, int64_t in, int64_t out) { return (k * k * in + 1) * out; };
    // Cin, then the table's #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
    const int64_t modules[9][7] = {
        {192, 64, 96, 128, 16, 32, 32},     {256, 128, 128, 192, 32, 96, 64},
        {480, 192, 96, 208, 16, 48, 64},    {512, 160, 112, 224, 24, 64, 64},
        {512, 128, 128, 256, 24, 64, 64},   {512, 112, 144, 288, 32, 64, 64},
        {528, 256, 160, 320, 32, 128, 128}, {832, 256, 160, 320, 32, 128, 128},
        {832, 384, 192, 384, 48, 128, 128}};
    int64_t total = conv(7, 3, 64) + conv(1, 64, 64) + conv(3, 64, 192) + (1024 + 1) * 1000;
    for (const auto& m : modules)
        total += conv(1, m[0], m[1]) + conv(1, m[0], m[2]) + conv(3, m[2], m[3]) +
                 conv(1, m[0], m[4]) + conv(5, m[4], m[5]) + conv(1, m[0], m[6]);
    EXPECT_EQ(total, 6998552);
    EXPECT_EQ(structure("googlenet").param_count(), total);
}

// ---- inception: naive vs reduced -----------------------------------------------------------

TEST(InceptionBlock, NaiveAndReducedParamsByHand) {
    const InceptionWidths w{64, 96, 128, 16, 32, 32};
    const Shape in{1, 192, 28, 28};
    const Graph reduced = build_inception_block(in, w, false);
    const Graph naive = build_inception_block(in, w, true);
    // Reduced: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj, each (K*K*Cin + 1)*Cout.
    const int64_t reduced_hand = (192 + 1) * 64 + (192 + 1) * 96 + (9 * 96 + 1) * 128 +
                                 (192 + 1) * 16 + (25 * 16 + 1) * 32 + (192 + 1) * 32;
    // Naive: 1x1, 3x3, 5x5 straight on the 192 channels; the pool adds no parameters.
    const int64_t naive_hand = (192 + 1) * 64 + (9 * 192 + 1) * 128 + (25 * 192 + 1) * 32;
    EXPECT_EQ(reduced.param_count(), reduced_hand);
    EXPECT_EQ(naive.param_count(), naive_hand);
    EXPECT_EQ(reduced_hand, 163696);
    EXPECT_EQ(naive_hand, 387296);
    EXPECT_EQ(reduced.node(reduced.output_index()).shape, (Shape{1, 256, 28, 28}));
    EXPECT_EQ(naive.node(naive.output_index()).shape, (Shape{1, 64 + 128 + 32 + 192, 28, 28}));
}

TEST(InceptionBlock, NaiveModuleCostsMoreMacs) {
    const InceptionWidths w{64, 96, 128, 16, 32, 32};
    auto macs = [](const Graph& g) {
        int64_t total = 0;
        for (int i = 1; i < g.size(); ++i)
            total += g.node(i).op->macs(g.input_shapes(i), g.node(i).shape);
        return total;
    };
    const int64_t hw = 28 * 28;
    // MACs of a conv = H*W*Cout*K*K*Cin
    const int64_t reduced_hand =
        hw * (64 * 192 + 96 * 192 + 128 * 9 * 96 + 16 * 192 + 32 * 25 * 16 + 32 * 192);
    const int64_t naive_hand = hw * (64 * 192 + 128 * 9 * 192 + 32 * 25 * 192);
    EXPECT_EQ(macs(build_inception_block({1, 192, 28, 28}, w, false)), reduced_hand);
    EXPECT_EQ(macs(build_inception_block({1, 192, 28, 28}, w, true)), naive_hand);
    EXPECT_GT(naive_hand, 2 * reduced_hand);
}

TEST(InceptionBlock, ZooEntriesAreThe3aModuleWithGoogLeNetsNames) {
    const Graph reduced = structure("inception3a");
    const Graph net = structure("googlenet");
    for (const char* branch : {"1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool_proj"}) {
        const std::string name = std::string("inception3a/") + branch;
        EXPECT_EQ(node_params(reduced, name), node_params(net, name)) << name;
    }
    EXPECT_EQ(structure("inception3a-naive").find("inception3a/3x3_reduce"), -1);
}

}  // namespace
}  // namespace cl
