// The structural table: rows read from the graph, formulas with the numbers filled in, totals
// that are the sums of the rows, and the three output formats.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "engine/summary.h"
#include "engine/zoo/zoo.h"

namespace cl {
namespace {

ModelSummary summary_of(const std::string& model) {
    ZooOptions o;
    o.initialize = false;
    return summarize(zoo_build(model, o));
}

const LayerSummary& row(const ModelSummary& s, const std::string& name) {
    for (const LayerSummary& l : s.layers)
        if (l.name == name) return l;
    ADD_FAILURE() << "no row " << name;
    return s.layers.front();
}

TEST(FormatThousands, GroupsOfThree) {
    EXPECT_EQ(format_thousands(0), "0");
    EXPECT_EQ(format_thousands(999), "999");
    EXPECT_EQ(format_thousands(1000), "1,000");
    EXPECT_EQ(format_thousands(61706), "61,706");
    EXPECT_EQ(format_thousands(138357544), "138,357,544");
    EXPECT_EQ(format_thousands(-1234567), "-1,234,567");
}

TEST(Summary, AlexNetRowsAsOnTheSlide) {
    const ModelSummary s = summary_of("alexnet");
    const LayerSummary& conv1 = row(s, "conv1");
    EXPECT_EQ(conv1.op, "Conv2d");
    EXPECT_EQ(conv1.input, (Shape{1, 3, 227, 227}));
    EXPECT_EQ(conv1.output, (Shape{1, 96, 55, 55}));
    EXPECT_EQ(conv1.kernel, 11);
    EXPECT_EQ(conv1.stride, 4);
    EXPECT_EQ(conv1.pad, 0);
    EXPECT_EQ(conv1.in_channels, 3);
    EXPECT_EQ(conv1.out_channels, 96);
    EXPECT_EQ(conv1.weight_params, 11 * 11 * 3 * 96);
    EXPECT_EQ(conv1.bias_params, 96);
    EXPECT_EQ(conv1.macs, int64_t(55) * 55 * 96 * 11 * 11 * 3);
    EXPECT_EQ(conv1.activation_bytes, int64_t(96) * 55 * 55 * 4);
    EXPECT_EQ(conv1.output_formula, "⌊(227 − 11 + 2·0)/4⌋ + 1 = 55");
    EXPECT_EQ(conv1.param_formula, "(11·11·3 + 1)·96 = 34,944");

    EXPECT_EQ(row(s, "conv2").param_formula, "(5·5·96 + 1)·256 = 614,656");
    EXPECT_EQ(row(s, "conv2").output_formula, "⌊(27 − 5 + 2·2)/1⌋ + 1 = 27");
    const LayerSummary& pool = row(s, "maxpool1");
    EXPECT_EQ(pool.params, 0);  // pooling has nothing to learn
    EXPECT_EQ(pool.output_formula, "⌊(55 − 3 + 2·0)/2⌋ + 1 = 27");
    EXPECT_TRUE(pool.param_formula.empty());
    const LayerSummary& fc6 = row(s, "fc6");
    EXPECT_EQ(fc6.in_channels, 9216);
    EXPECT_EQ(fc6.kernel, 0);
    EXPECT_TRUE(fc6.output_formula.empty());
    EXPECT_EQ(fc6.param_formula, "(9216 + 1)·4096 = 37,752,832");
    EXPECT_EQ(fc6.macs, 9216 * 4096);
    EXPECT_TRUE(row(s, "relu1").output_formula.empty());
}

TEST(Summary, CeilModeAndBatchNormAndBiasFreeFormulas) {
    // GoogLeNet's pools round up: floor would give 55, the table says 56.
    EXPECT_EQ(row(summary_of("googlenet"), "pool1/3x3_s2").output_formula,
              "⌈(112 − 3 + 2·0)/2⌉ + 1 = 56");
    const ModelSummary r = summary_of("resnet18");
    EXPECT_EQ(row(r, "conv1").param_formula, "7·7·3·64 = 9,408");
    EXPECT_EQ(row(r, "conv1").bias_params, 0);
    EXPECT_EQ(row(r, "bn1").params, 128);
    EXPECT_EQ(row(r, "bn1").param_formula, "2·64 = 128");
    EXPECT_EQ(row(r, "maxpool").output_formula, "⌊(112 − 3 + 2·1)/2⌋ + 1 = 56");
    EXPECT_EQ(row(r, "layer2.0.downsample.0").output_formula, "⌊(56 − 1 + 2·0)/2⌋ + 1 = 28");
    EXPECT_EQ(row(summary_of("resnet18-plain-count"), "layer4.0.conv1").param_formula,
              "(3·3·256 + 1)·512 = 1,180,160");
}

TEST(Summary, ConcatCountsTheChannelsOfAllItsInputs) {
    const LayerSummary& out = row(summary_of("googlenet"), "inception3a/output");
    EXPECT_EQ(out.in_channels, 64 + 128 + 32 + 32);
    EXPECT_EQ(out.out_channels, 256);
}

class SummaryTotals : public ::testing::TestWithParam<const char*> {};

TEST_P(SummaryTotals, AreTheSumsOfTheRowsAndMatchTheGraph) {
    ZooOptions o;
    o.initialize = false;
    const Graph g = zoo_build(GetParam(), o);
    const ModelSummary s = summarize(g);
    ASSERT_EQ(s.layers.size(), size_t(g.size()));
    int64_t params = 0, macs = 0, bytes = 0;
    for (const LayerSummary& l : s.layers) {
        EXPECT_EQ(l.params, l.weight_params + l.bias_params) << l.name;
        params += l.params;
        macs += l.macs;
        bytes += l.activation_bytes;
        // A formula, when shown, ends in the row's own number.
        if (!l.param_formula.empty()) {
            const std::string tail = " = " + format_thousands(l.params);
            EXPECT_EQ(l.param_formula.substr(l.param_formula.size() - tail.size()), tail) << l.name;
        }
        if (!l.output_formula.empty()) {
            const std::string tail = " = " + std::to_string(l.output.w);
            EXPECT_EQ(l.output_formula.substr(l.output_formula.size() - tail.size()), tail)
                << l.name;
        }
    }
    EXPECT_EQ(s.total_params, params);
    EXPECT_EQ(s.total_params, g.param_count());
    EXPECT_EQ(s.total_macs, macs);
    EXPECT_EQ(s.total_activation_bytes, bytes);
    EXPECT_GE(s.weight_bytes, s.total_params * 4);
}

INSTANTIATE_TEST_SUITE_P(Zoo, SummaryTotals,
                         ::testing::Values("lenet5", "alexnet", "googlenet", "resnet18",
                                           "resnet18-plain-count", "tinyvgg", "inception3a"));

TEST(Summary, LeNetMacsByHand) {
    // conv1 28*28*6*25, conv2 10*10*16*150, fc 400*120 + 120*84 + 84*10
    EXPECT_EQ(summary_of("lenet5").total_macs,
              28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 400 * 120 + 120 * 84 + 84 * 10);
}

TEST(Summary, JsonHasTheDesignFields) {
    const ModelSummary s = summary_of("lenet5");
    const auto j = nlohmann::json::parse(summary_json(s));
    EXPECT_EQ(j["total_params"].get<int64_t>(), 61706);
    EXPECT_EQ(j["total_macs"].get<int64_t>(), s.total_macs);
    ASSERT_EQ(j["layers"].size(), s.layers.size());
    for (const char* key : {"name", "op", "input", "output", "kernel", "stride", "pad",
                            "in_channels", "out_channels", "params", "macs"})
        EXPECT_TRUE(j["layers"][1].contains(key)) << key;
    EXPECT_EQ(j["layers"][1]["name"], "conv1");
    EXPECT_EQ(j["layers"][1]["input"], nlohmann::json::array({1, 28, 28}));
    EXPECT_EQ(j["layers"][1]["output"], nlohmann::json::array({6, 28, 28}));
    EXPECT_EQ(j["layers"][1]["params"], 156);
}

TEST(Summary, CsvQuotesTheFormulas) {
    const std::string csv = summary_csv(summary_of("alexnet"));
    std::istringstream in(csv);
    std::string header, line;
    std::getline(in, header);
    EXPECT_EQ(header.rfind("name,op,", 0), 0u);
    std::getline(in, line);  // input
    std::getline(in, line);  // conv1
    EXPECT_EQ(line,
              "conv1,Conv2d,3,227,227,96,55,55,11,4,0,3,96,34848,96,34944,105415200,1161600,"
              "⌊(227 − 11 + 2·0)/4⌋ + 1 = 55,\"(11·11·3 + 1)·96 = 34,944\"");
}

TEST(Summary, TableHasTheLectureColumnsAndTotals) {
    const std::string t = summary_table(summary_of("vgg16"));
    for (const char* text : {"input HxWxC", "output HxWxC", "kernel", "stride", "pad", "weights",
                             "bias", "params", "MACs", "act. memory", "138,357,544", "conv1_1",
                             "224x224x64", "⌊(224 − 3 + 2·1)/1⌋ + 1 = 224",
                             "(3·3·128 + 1)·128 = 147,584", "(25088 + 1)·4096 = 102,764,544"})
        EXPECT_NE(t.find(text), std::string::npos) << text;
}

}  // namespace
}  // namespace cl
