// `onnx_export` checked two ways: the file loads back into ConvLens with the same node names
// and outputs, and tests/reference/onnx_check_export.py (onnx.checker, then the network rebuilt
// in PyTorch from the exported nodes and initializers) computes the same activations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "engine/error.h"
#include "engine/io/npy.h"
#include "engine/io/onnx_export.h"
#include "engine/io/onnx_import.h"
#include "engine/model_loader.h"
#include "testing.h"

namespace cl {
namespace {

namespace fs = std::filesystem;

// max |a - b| <= rel * max |b|
::testing::AssertionResult close_to_reference(const Tensor& got, const Tensor& want, double rel) {
    if (got.numel() != want.numel())
        return ::testing::AssertionFailure()
               << "sizes differ: " << got.shape().str() << " vs " << want.shape().str();
    double max_ref = 0, max_diff = 0;
    for (int64_t i = 0; i < want.numel(); ++i) {
        max_ref = std::max(max_ref, double(std::fabs(want[i])));
        const double d = std::fabs(double(got[i]) - double(want[i]));
        if (!(d <= max_diff)) max_diff = d;
    }
    if (max_diff <= rel * max_ref) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "max |diff| " << max_diff << " > " << rel << " x " << max_ref;
}

class OnnxExport : public ::testing::TestWithParam<const char*> {};

TEST_P(OnnxExport, LoadsBackAndMatchesPytorchRebuild) {
    const std::string model = GetParam();
    const fs::path dir = testing::temp_dir("onnx_export_" + model);
    Graph graph = load_model(model);
    const fs::path path = dir / (model + ".onnx");
    onnx_export(graph, path.string());

    Shape in = graph.input_shape();
    const Tensor x = testing::random_tensor(in, 11);
    npy_write((dir / "input.npy").string(), x);
    const Activations acts = graph.forward(x);

    // 1. Back in ConvLens: every node keeps its name and its output.
    const Graph back = onnx_import(path.string());
    const Activations back_acts = back.forward(x);
    for (int i = 1; i < graph.size(); ++i) {
        const std::string& name = graph.node(i).name;
        const int j = back.find(name);
        ASSERT_GE(j, 0) << name;
        EXPECT_EQ(back.node(j).op->kind(), graph.node(i).op->kind()) << name;
        EXPECT_TRUE(close_to_reference(back_acts.outputs[size_t(j)], acts.outputs[size_t(i)], 1e-6))
            << name;
    }
    EXPECT_EQ(back.param_count(), graph.param_count());

    // 2. In PyTorch, from the file alone.
    const fs::path torch_dir = dir / "torch";
    const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/onnx_check_export.py " + path.string() + " " +
                                (dir / "input.npy").string() + " " + torch_dir.string() + " >" +
                                (dir / "log.txt").string() + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << testing::read_text(dir / "log.txt");
    std::ifstream list(torch_dir / "outputs.json");
    int compared = 0;
    for (const auto& entry : nlohmann::json::parse(list)) {
        const int i = graph.find(entry["tensor"].get<std::string>());
        if (i < 0) continue;  // the Flatten the exporter puts before a Gemm
        const Tensor want = npy_read((torch_dir / entry["file"].get<std::string>()).string());
        EXPECT_TRUE(close_to_reference(acts.outputs[size_t(i)], want, 1e-4)) << graph.node(i).name;
        ++compared;
    }
    EXPECT_EQ(compared, graph.size() - 1);
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, OnnxExport, ::testing::Values("lenet5", "tinyvgg", "inception3a", "resnet18", "googlenet"),
    [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

TEST(OnnxExport, RefusesAGraphWithoutLayers) {
    const fs::path dir = testing::temp_dir("onnx_export_refuse");
    Graph graph("empty");
    graph.add_input("x", {1, 1, 4, 4});
    try {
        onnx_export(graph, (dir / "empty.onnx").string());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no layers"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "empty.onnx"));
}

}  // namespace
}  // namespace cl
