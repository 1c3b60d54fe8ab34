// ONNX import checked against PyTorch node by node: tests/reference/onnx_export_models.py
// exports a model with seeded weights, keeps every module's output and maps it to the ONNX
// tensor holding it; ConvLens imports the file, runs it, and every mapped activation and the
// logits must agree within 1e-4 x max|reference|, with the same top-1 class.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "engine/io/npy.h"
#include "engine/io/onnx_import.h"
#include "onnx_cases.h"
#include "testing.h"

namespace cl {
namespace {

namespace fs = std::filesystem;

// Runs the PyTorch oracle for one case; returns the folder holding <case>.onnx and <case>/.
fs::path export_case(const std::string& name) {
    const fs::path dir = fs::path(CONVLENS_TEST_TMP) / "onnx_models";
    fs::create_directories(dir);
    const fs::path log = dir / (name + ".log");
    const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/onnx_export_models.py " + dir.string() + " " + name +
                                " >" + log.string() + " 2>&1";
    const int status = std::system(command.c_str());
    EXPECT_EQ(status, 0) << "the PyTorch exporter failed:\n" << testing::read_text(log);
    return dir;
}

// max |a - b| <= rel * max |b|
::testing::AssertionResult close_to_reference(const Tensor& got, const Tensor& want, double rel) {
    if (got.numel() != want.numel())
        return ::testing::AssertionFailure()
               << "sizes differ: " << got.shape().str() << " vs " << want.shape().str();
    double max_ref = 0, max_diff = 0;
    for (int64_t i = 0; i < want.numel(); ++i) {
        max_ref = std::max(max_ref, double(std::fabs(want[i])));
        const double d = std::fabs(double(got[i]) - double(want[i]));
        if (!(d <= max_diff)) max_diff = d;  // NaN sticks
    }
    if (max_diff <= rel * max_ref) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "max |diff| " << max_diff << " > " << rel << " x " << max_ref;
}

int argmax(const Tensor& t) {
    return int(std::max_element(t.data(), t.data() + t.numel()) - t.data());
}

class OnnxVsPytorch : public ::testing::TestWithParam<OnnxCase> {};

TEST_P(OnnxVsPytorch, EveryMatchedActivationAndTheLogits) {
    const OnnxCase& c = GetParam();
    const char* slow = std::getenv("CONVLENS_ONNX_SLOW");
    if (c.slow && !(slow && std::string(slow) == "1"))
        GTEST_SKIP() << "slow model: build the target test_onnx_slow";
    const fs::path dir = export_case(c.name);
    std::ifstream map_file(dir / c.name / "map.json");
    ASSERT_TRUE(map_file.good());
    const nlohmann::json map = nlohmann::json::parse(map_file);

    const Graph graph = onnx_import((dir / map["onnx"].get<std::string>()).string());
    const Tensor input = npy_read((dir / c.name / map["input"].get<std::string>()).string());
    RunControl poisoned;  // every output NaN until its op writes it: ops must write all of it
    poisoned.poison_outputs = true;
    const Activations acts = graph.forward(input, poisoned);

    int compared = 0;
    for (const auto& entry : map["outputs"]) {
        const std::string tensor = entry["tensor"];
        const int index = graph.find(tensor);
        ASSERT_GE(index, 0) << "no ConvLens node named '" << tensor << "' (module "
                            << entry["module"] << ")";
        const Tensor want = npy_read((dir / c.name / entry["file"].get<std::string>()).string());
        EXPECT_TRUE(close_to_reference(acts.outputs[size_t(index)], want, 1e-4))
            << "module " << entry["module"] << " = ONNX tensor '" << tensor << "'";
        ++compared;
    }
    EXPECT_GT(compared, 0);
    EXPECT_EQ(graph.node(graph.output_index()).name, map["output_tensor"].get<std::string>());
    const Tensor logits = npy_read((dir / c.name / map["logits"].get<std::string>()).string());
    const Tensor& out = acts.outputs.back();
    EXPECT_TRUE(close_to_reference(out, logits, 1e-4)) << "logits";
    EXPECT_EQ(argmax(out), argmax(logits)) << "top-1 class";
    std::printf("%s: %d activations compared (%d ConvLens nodes)\n", c.name, compared,
                graph.size());
    if (!HasFailure()) {  // VGG exports are 0.5 GB each: keep only what a failure needs
        fs::remove_all(dir / c.name);
        fs::remove(dir / map["onnx"].get<std::string>());
    }
}

INSTANTIATE_TEST_SUITE_P(Models, OnnxVsPytorch, ::testing::ValuesIn(k_onnx_cases),
                         [](const ::testing::TestParamInfo<OnnxCase>& info) {
                             return std::string(info.param.name);
                         });

}  // namespace
}  // namespace cl
