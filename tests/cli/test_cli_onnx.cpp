// The CLI on ONNX files: `infer MODEL.onnx --dump` keys activations by the ONNX tensor names
// (checked against PyTorch's module outputs), `export` writes a model that `infer` runs with the
// same answer, and export errors are one line with nothing written.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "cli_runner.h"
#include "engine/io/npy.h"

namespace cl::testing {
namespace {

namespace fs = std::filesystem;

std::string sample(const std::string& name) {
    return std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/" + name;
}

double max_abs(const Tensor& t) {
    double m = 0;
    for (int64_t i = 0; i < t.numel(); ++i) m = std::max(m, double(std::fabs(t[i])));
    return m;
}

TEST(CliOnnx, InferDumpIsKeyedByOnnxTensorNamesAndMatchesPytorch) {
    const fs::path dir = temp_dir("cli_onnx_dump");
    const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/onnx_export_models.py " + dir.string() +
                                " lenet_opset13 >" + (dir / "log.txt").string() + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << read_text(dir / "log.txt");
    const auto map = nlohmann::json::parse(read_text(dir / "lenet_opset13" / "map.json"));

    const auto r = run_convlens("infer " + (dir / "lenet_opset13.onnx").string() + " --input " +
                                (dir / "lenet_opset13" / "input.npy").string() + " --dump " +
                                (dir / "dump").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto index = nlohmann::json::parse(read_text(dir / "dump" / "index.json"));
    int matched = 0;
    for (const auto& entry : map["outputs"]) {
        const auto it = std::find_if(index.begin(), index.end(), [&](const nlohmann::json& e) {
            return e["name"] == entry["tensor"];
        });
        ASSERT_NE(it, index.end()) << "no dump named " << entry["tensor"];
        const Tensor got = npy_read((dir / "dump" / (*it)["file"].get<std::string>()).string());
        const Tensor want =
            npy_read((dir / "lenet_opset13" / entry["file"].get<std::string>()).string());
        ASSERT_EQ(got.numel(), want.numel()) << entry["tensor"];
        double diff = 0;
        for (int64_t i = 0; i < got.numel(); ++i)
            diff = std::max(diff, double(std::fabs(got[i] - want[i])));
        EXPECT_LE(diff, 1e-4 * max_abs(want)) << entry["module"] << " / " << entry["tensor"];
        ++matched;
    }
    EXPECT_GE(matched, 7);
    EXPECT_EQ(index.back()["name"], map["output_tensor"]);
}

TEST(CliOnnx, ExportedLeNetGivesTheSameAnswers) {
    const fs::path dir = temp_dir("cli_onnx_export");
    const std::string onnx = (dir / "lenet5.onnx").string();
    const auto e = run_convlens("export lenet5 --out " + onnx);
    ASSERT_EQ(e.exit_code, 0) << e.err;
    EXPECT_NE(e.out.find("opset 13"), std::string::npos) << e.out;
    for (const char* digit : {"digit-3.png", "digit-7.png"}) {
        const auto a = run_convlens("infer lenet5 --top 3 --input " + sample(digit));
        const auto b = run_convlens("infer " + onnx + " --top 3 --input " + sample(digit));
        ASSERT_EQ(a.exit_code, 0) << a.err;
        ASSERT_EQ(b.exit_code, 0) << b.err;
        // Past the header line (model name, timing) the rankings are identical.
        EXPECT_EQ(a.out.substr(a.out.find('\n')), b.out.substr(b.out.find('\n'))) << digit;
    }
}

TEST(CliOnnx, ExportErrorsAreOneLineAndWriteNothing) {
    const fs::path dir = temp_dir("cli_onnx_export_errors");
    const auto r = run_convlens("export no-such-model --out " + (dir / "x.onnx").string());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("no-such-model"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "x.onnx"));

    const auto bad = run_convlens("export lenet5 --out " + (dir / "x.txt").string());
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find(".onnx"), std::string::npos) << bad.err;
    EXPECT_TRUE(fs::is_empty(dir));
}

}  // namespace
}  // namespace cl::testing
