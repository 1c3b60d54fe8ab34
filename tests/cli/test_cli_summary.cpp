// `convlens summary` and `convlens models` as a user runs them: JSON that parses and adds up,
// CSV with one row per layer, the aligned table, and one-line errors.
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.h"

namespace cl::testing {
namespace {

int count_lines(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) ++n;
    return n;
}

TEST(CliSummary, JsonParsesAndItsLayersSumToTheTotal) {
    const auto r = run_convlens("summary lenet5 --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    int64_t sum = 0;
    for (const auto& layer : j["layers"]) sum += layer["params"].get<int64_t>();
    EXPECT_EQ(sum, 61706);
    EXPECT_EQ(j["total_params"].get<int64_t>(), 61706);
    EXPECT_EQ(j["layers"].size(), 14u);  // lenet5's 14 nodes, the input included
}

TEST(CliSummary, CsvHasAHeaderAndOneRowPerLayer) {
    const auto r = run_convlens("summary lenet5 --format csv");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("name,op,", 0), 0u) << r.out;
    EXPECT_EQ(count_lines(r.out), 1 + 14);
}

TEST(CliSummary, TableIsTheDefault) {
    const auto r = run_convlens("summary alexnet");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("62,378,344"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("⌊(227 − 11 + 2·0)/4⌋ + 1 = 55"), std::string::npos) << r.out;
    const auto lrn = run_convlens("summary alexnet --lrn --format csv");
    EXPECT_NE(lrn.out.find("\nlrn1,Lrn,"), std::string::npos) << lrn.out;
}

TEST(CliSummary, InputMustMatchTheModel) {
    EXPECT_EQ(run_convlens("summary lenet5 --input 1,28,28").exit_code, 0);
    const auto r = run_convlens("summary lenet5 --input 3,32,32");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "convlens: lenet5 takes 1x28x28 input, not 3x32x32\n");
    EXPECT_EQ(run_convlens("summary lenet5 --input 1x28x28").exit_code, 1);
}

TEST(CliSummary, UnknownModelIsOneLineNamingIt) {
    const auto r = run_convlens("summary lenet7");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("lenet7"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(CliModels, ListsEveryModelWithItsFigures) {
    const auto r = run_convlens("models");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* text : {"lenet5", "1x28x28", "61,706", "alexnet", "3x227x227", "62,378,344",
                             "vgg16", "138,357,544", "googlenet", "resnet18", "11,689,512",
                             "resnet18-plain-count", "11,511,784", "tinyvgg", "3x64x64"})
        EXPECT_NE(r.out.find(text), std::string::npos) << text;
}

}  // namespace
}  // namespace cl::testing
