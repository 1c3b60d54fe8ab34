// `convlens infer` on a model whose input is [N, features] (an ONNX file made by
// tests/reference/onnx_linear_model.py): an (N,F) .npy is its input, and the class probabilities
// printed are numpy's; a batch is refused in one line.
#include <cstdio>

#include "cli_runner.h"
#include "engine/io/npy.h"

namespace cl::testing {
namespace {

namespace fs = std::filesystem;

fs::path make_linear_model(const std::string& name) {
    const fs::path dir = temp_dir(name);
    const std::string command = std::string(CONVLENS_PYTHON) + " " + CONVLENS_TESTS_DIR +
                                "/reference/onnx_linear_model.py " + dir.string() + " >" +
                                (dir / "log.txt").string() + " 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << read_text(dir / "log.txt");
    return dir;
}

TEST(CliModelInput, InferAcceptsAnNFNpyForAFeaturesModel) {
    const fs::path dir = make_linear_model("cli_input_nf");
    std::vector<int64_t> shape;
    npy_read((dir / "x.npy").string(), &shape);
    ASSERT_EQ(shape, (std::vector<int64_t>{1, 3}));  // really (N,F), not [1,3,1,1]
    const auto r = run_convlens("infer " + (dir / "linear.onnx").string() + " --top 4 --input " +
                                (dir / "x.npy").string() + " --dump " + (dir / "dump").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor probs = npy_read((dir / "probs.npy").string());
    ASSERT_EQ(probs.numel(), 4);
    for (int k = 0; k < 4; ++k) {
        char line[64];
        std::snprintf(line, sizeof line, "class %d", k);
        const size_t at = r.out.find(line);
        ASSERT_NE(at, std::string::npos) << r.out;
        char want[32];
        std::snprintf(want, sizeof want, "%6.2f%%", 100.0 * probs[k]);
        const size_t eol = r.out.find('\n', at);
        EXPECT_NE(r.out.substr(at, eol - at).find(want), std::string::npos)
            << "class " << k << " should be " << want << ":\n"
            << r.out;
    }
    // The network saw the array as [1,3,1,1]: the dumped input holds its values.
    std::vector<int64_t> dumped;
    const Tensor input = npy_read((dir / "dump" / "x.npy").string(), &dumped);
    EXPECT_EQ(dumped, (std::vector<int64_t>{1, 3, 1, 1}));
    EXPECT_TENSORS_CLOSE(input, Tensor::from_vector({1, 3, 1, 1}, {0.5f, -1.25f, 2.0f}), 0.0f,
                         0.0f);
}

TEST(CliModelInput, InferRefusesABatchInOneLine) {
    const fs::path dir = make_linear_model("cli_input_batch");
    const std::string batch = (dir / "x_batch.npy").string();
    const auto r = run_convlens("infer " + (dir / "linear.onnx").string() + " --input " + batch);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "convlens: " + batch +
                         ": array [2,3] holds 2 samples; the model takes one at a time, [1,3]\n");
}

TEST(CliModelInput, RenderReadsItsInputThroughTheSamePath) {
    const fs::path dir = make_linear_model("cli_input_render");
    const auto r = run_convlens("render " + (dir / "linear.onnx").string() + " --input " +
                                (dir / "x_batch.npy").string() + " --layer fc --out " +
                                (dir / "fc.png").string());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("holds 2 samples"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "fc.png"));
}

}  // namespace
}  // namespace cl::testing
