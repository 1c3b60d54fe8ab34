// The Walkthrough's model, headless: its table cells against `convlens summary --format json`
// (the numbers on screen are the summary's), the steps the arrow keys visit, the inception and
// residual modules found in the graphs, VGG's stacked-3x3 arithmetic and the layer notes, each
// against hand-computed values.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "engine/explain/layer_notes.h"
#include "engine/summary.h"
#include "engine/zoo/zoo.h"

namespace cl::testing {
namespace {

Graph structure(const std::string& model) {
    ZooOptions o;
    o.initialize = false;
    return zoo_build(model, o);
}

// Written here again, not format_thousands: the test must not share the code it checks.
std::string commas(int64_t v) {
    std::string digits = std::to_string(v), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string hwc(const nlohmann::json& chw) {  // [C,H,W] -> "HxWxC"
    return std::to_string(chw[1].get<int>()) + "x" + std::to_string(chw[2].get<int>()) + "x" +
           std::to_string(chw[0].get<int>());
}

int index_of(const Graph& g, const std::string& name) {
    const int i = g.find(name);
    EXPECT_GE(i, 0) << "no node " << name;
    return i;
}

class WalkthroughTable : public ::testing::TestWithParam<const char*> {};

TEST_P(WalkthroughTable, CellsAreTheSummaryJsonOfTheCli) {
    const std::string model = GetParam();
    const CommandResult r = run_convlens("summary " + model + " --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    const ModelSummary s = summarize(structure(model));
    ASSERT_EQ(s.layers.size(), j["layers"].size());
    ASSERT_EQ(lecture_columns().size(), 11u);
    for (size_t i = 0; i < s.layers.size(); ++i) {
        const nlohmann::json& l = j["layers"][i];
        const int k = l["kernel"].get<int>();
        const std::vector<std::string> expected = {
            l["name"].get<std::string>(),
            l["op"].get<std::string>(),
            hwc(l["input"]),
            hwc(l["output"]),
            k > 0 ? std::to_string(l["stride"].get<int>()) : "-",
            k > 0 ? std::to_string(l["pad"].get<int>()) : "-",
            k > 0 ? std::to_string(k) + "x" + std::to_string(k) : "-",
            std::to_string(l["in_channels"].get<int>()),
            std::to_string(l["out_channels"].get<int>()),
            commas(l["params"].get<int64_t>()),
            commas(l["macs"].get<int64_t>())};
        EXPECT_EQ(lecture_cells(s.layers[i]), expected) << model << " row " << i;
        EXPECT_EQ(s.layers[i].output_formula, l["output_formula"].get<std::string>());
        EXPECT_EQ(s.layers[i].param_formula, l["param_formula"].get<std::string>());
    }
    EXPECT_EQ(s.total_params, j["total_params"].get<int64_t>());
    EXPECT_EQ(s.total_macs, j["total_macs"].get<int64_t>());

    // The Markdown export: one table row per layer with the same cells.
    const std::string md = summary_markdown(s);
    for (size_t i = 0; i < s.layers.size(); ++i) {
        std::string line = "|";
        for (const std::string& c : lecture_cells(s.layers[i])) line += " " + c + " |";
        EXPECT_NE(md.find(line + "\n"), std::string::npos) << line;
    }
}

INSTANTIATE_TEST_SUITE_P(Classics, WalkthroughTable,
                         ::testing::Values("lenet5", "alexnet", "vgg16", "googlenet", "resnet18",
                                           "inception3a", "inception3a-naive"));

TEST(WalkthroughTable, MarkdownHasHeaderAlignmentAndFormulas) {
    const std::string md = summary_markdown(summarize(structure("alexnet")));
    EXPECT_NE(
        md.find("| layer | op | input HxWxC | output HxWxC | stride | pad | kernel | in | out "
                "| # params | MACs |\n| --- | --- | --- | --- | ---: |"),
        std::string::npos)
        << md.substr(0, 400);
    EXPECT_NE(
        md.find("| conv1 | Conv2d | 227x227x3 | 55x55x96 | 4 | 0 | 11x11 | 3 | 96 | 34,944 |"),
        std::string::npos);
    EXPECT_NE(md.find("(11·11·3 + 1)·96 = 34,944"), std::string::npos);
}

// The lecture tables' rows: conv, pool, fc, merge layers (and the input), never ReLU & co.
TEST(WalkthroughSteps, MainLayersAreTheLectureRows) {
    struct Case {
        const char* model;
        size_t main;  // input + convs + pools + fcs (+ merges), counted by hand
    };
    // vgg16: 1 + 13 + 5 + 3; alexnet: 1 + 5 + 3 + 3; resnet18: input, conv1, maxpool, 8 blocks
    // of 2 convs + add, 3 projections, avgpool, fc; googlenet: 6 + 9 modules of 6 convs, a pool
    // and a concat + 2 pools + avgpool + fc.
    for (const Case c :
         {Case{"vgg16", 22}, Case{"alexnet", 12}, Case{"resnet18", 32}, Case{"googlenet", 82}}) {
        const Graph g = structure(c.model);
        const std::vector<int> all = walkthrough_steps(g, false), main = walkthrough_steps(g, true);
        EXPECT_EQ(all.size(), size_t(g.size())) << c.model;
        EXPECT_EQ(main.size(), c.main) << c.model;
        EXPECT_TRUE(std::is_sorted(main.begin(), main.end()));
        EXPECT_EQ(main.back(), g.output_index()) << c.model;
        for (int i : main) {
            const OpKind k = g.node(i).op->kind();
            EXPECT_TRUE(k != OpKind::Relu && k != OpKind::BatchNorm2d && k != OpKind::Dropout &&
                        k != OpKind::Flatten)
                << c.model << " " << g.node(i).name;
        }
    }
}

TEST(WalkthroughModules, GoogLeNetHasNineInceptionModulesOfFourBranches) {
    const Graph g = structure("googlenet");
    const std::vector<MergeModule> mods = find_merge_modules(g);
    ASSERT_EQ(mods.size(), 9u);
    for (const MergeModule& m : mods) {
        EXPECT_EQ(g.node(m.merge).op->kind(), OpKind::Concat);
        EXPECT_EQ(m.branches.size(), 4u);
    }
    const MergeModule& a = mods.front();
    EXPECT_EQ(g.node(a.input).name, "pool2/3x3_s2");
    EXPECT_EQ(g.node(a.merge).name, "inception3a/output");
    ASSERT_EQ(a.branches[1].size(), 4u);  // 3x3_reduce, relu, 3x3, relu
    EXPECT_EQ(g.node(a.branches[1][0]).name, "inception3a/3x3_reduce");
    EXPECT_EQ(g.node(a.branches[3][0]).name, "inception3a/pool");
    EXPECT_EQ(module_of(mods, index_of(g, "inception3a/5x5")), 0);
    EXPECT_EQ(module_of(mods, index_of(g, "inception3b/pool_proj")), 1);
    EXPECT_EQ(module_of(mods, index_of(g, "pool2/3x3_s2")), -1);

    // The naive-vs-reduced toggle: widths read back from the graph are the paper's, and the
    // costs of both modules are the hand sums of (K·K·Cin + 1)·Cout.
    InceptionWidths w;
    ASSERT_TRUE(inception_widths(g, a, w));
    EXPECT_EQ(w.c1x1, 64);
    EXPECT_EQ(w.c3x3_reduce, 96);
    EXPECT_EQ(w.c3x3, 128);
    EXPECT_EQ(w.c5x5_reduce, 16);
    EXPECT_EQ(w.c5x5, 32);
    EXPECT_EQ(w.pool_proj, 32);
    ZooOptions o;
    o.initialize = false;
    const ModelSummary reduced = summarize(build_inception_block({1, 192, 28, 28}, w, false, o));
    const ModelSummary naive = summarize(build_inception_block({1, 192, 28, 28}, w, true, o));
    EXPECT_EQ(reduced.total_params, 12352 + 18528 + 110720 + 3088 + 12832 + 6176);  // 163,696
    EXPECT_EQ(naive.total_params, 12352 + 221312 + 153632);                         // 387,296
    EXPECT_EQ(naive.total_macs, summarize(structure("inception3a-naive")).total_macs);
    EXPECT_EQ(reduced.total_macs, summarize(structure("inception3a")).total_macs);
    EXPECT_EQ(naive.layers.back().output.c, 64 + 128 + 32 + 192);  // the pool keeps 192
}

TEST(WalkthroughModules, ResNet18HasEightBlocksThreeWithProjections) {
    const Graph g = structure("resnet18");
    const std::vector<MergeModule> mods = find_merge_modules(g);
    ASSERT_EQ(mods.size(), 8u);
    int identity = 0, projection = 0;
    for (const MergeModule& m : mods) {
        ASSERT_EQ(m.branches.size(), 2u);
        EXPECT_EQ(g.node(m.merge).op->kind(), OpKind::Add);
        EXPECT_EQ(m.branches[0].size(), 5u);  // conv, bn, relu, conv, bn: F(x)
        if (m.branches[1].empty()) {
            ++identity;
        } else {
            ++projection;
            EXPECT_EQ(m.branches[1].size(), 2u);  // 1x1 conv /2, bn
        }
    }
    EXPECT_EQ(identity, 5);
    EXPECT_EQ(projection, 3);
    EXPECT_EQ(g.node(mods[2].input).name, "layer1.1.relu_out");
    EXPECT_EQ(g.node(mods[2].branches[1][0]).name, "layer2.0.downsample.0");
    EXPECT_EQ(module_of(mods, index_of(g, "layer1.0.relu")), 0);
    EXPECT_EQ(module_of(mods, index_of(g, "layer1.0.relu_out")), -1);
    EXPECT_TRUE(find_merge_modules(structure("vgg16")).empty());
}

TEST(WalkthroughStacked3x3, VggNumbersByHand) {
    const Graph g = structure("vgg16");
    const StackedConvs two = stacked_3x3(g, index_of(g, "conv1_2"));
    EXPECT_EQ(two.convs, 2);
    EXPECT_EQ(two.receptive, 5);
    EXPECT_EQ(two.stacked_params, 2 * (3 * 3 * 64 + 1) * 64);  // 73,856
    EXPECT_EQ(two.single_params, (5 * 5 * 64 + 1) * 64);       // 102,464
    EXPECT_EQ(two.stacked_macs, int64_t(2) * 9 * 64 * 64 * 224 * 224);
    EXPECT_EQ(two.single_macs, int64_t(25) * 64 * 64 * 224 * 224);
    EXPECT_EQ(two.stacked_formula, "2·(3·3·64 + 1)·64 = 73,856");
    EXPECT_EQ(two.single_formula, "(5·5·64 + 1)·64 = 102,464");
    const StackedConvs three = stacked_3x3(g, index_of(g, "conv3_3"));
    EXPECT_EQ(three.convs, 3);
    EXPECT_EQ(three.receptive, 7);
    EXPECT_EQ(three.stacked_params, 3 * (9 * 256 + 1) * 256);    // 1,770,240
    EXPECT_EQ(three.single_params, (49 * 256 + 1) * 256);        // 3,211,520
    EXPECT_EQ(stacked_3x3(g, index_of(g, "conv1_1")).convs, 0);  // first conv: nothing before
    EXPECT_EQ(stacked_3x3(g, index_of(g, "conv2_1")).convs, 0);  // 64 -> 128 changes width
    EXPECT_EQ(stacked_3x3(g, index_of(g, "fc6")).convs, 0);
}

TEST(WalkthroughNotes, EveryLayerHasWordsAndTheRightReasons) {
    for (const char* model : {"lenet5", "alexnet", "vgg16", "googlenet", "resnet18"}) {
        const Graph g = structure(model);
        for (int i = 0; i < g.size(); ++i) {
            const std::string note = layer_note(g, i);
            EXPECT_GT(note.size(), 40u) << model << " " << g.node(i).name;
            EXPECT_EQ(note.find('?'), std::string::npos) << note;
        }
    }
    const Graph alex = structure("alexnet");
    EXPECT_NE(layer_note(alex, index_of(alex, "conv1")).find("why stride 4"), std::string::npos);
    EXPECT_NE(layer_note(alex, index_of(alex, "conv1"))
                  .find("An 11\xC3\x97"
                        "11"),
              std::string::npos);
    const Graph vgg = structure("vgg16");
    // fc6: 25088·4096 + 4096 = 102,764,544 of 138,357,544 parameters = 74%
    EXPECT_NE(layer_note(vgg, index_of(vgg, "fc6")).find("74%"), std::string::npos);
    EXPECT_NE(layer_note(vgg, index_of(vgg, "conv1_2")).find("VGG"), std::string::npos);
    const Graph goog = structure("googlenet");
    EXPECT_NE(
        layer_note(goog, index_of(goog, "inception3a/3x3_reduce")).find("cuts 192 channels to 96"),
        std::string::npos);
    EXPECT_NE(
        layer_note(goog, index_of(goog, "inception3a/output")).find("64 + 128 + 32 + 32 = 256"),
        std::string::npos);
    const Graph res = structure("resnet18");
    EXPECT_NE(layer_note(res, index_of(res, "layer2.0.downsample.0")).find("projection"),
              std::string::npos);
    EXPECT_NE(layer_note(res, index_of(res, "layer2.0.add")).find("shape changes"),
              std::string::npos);
    EXPECT_EQ(layer_note(res, index_of(res, "layer1.0.add")).find("shape changes"),
              std::string::npos);
}

}  // namespace
}  // namespace cl::testing
