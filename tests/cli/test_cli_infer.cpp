// `convlens infer --dump` and `convlens render`: the files the contract promises, their shapes
// against the graph, and one-line errors for bad input.
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "engine/io/image.h"
#include "engine/io/model_input.h"
#include "engine/io/npy.h"
#include "engine/model_loader.h"

namespace cl::testing {
namespace {

std::string sample(const std::string& name) {
    return std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/" + name;
}

TEST(CliInfer, DumpWritesIndexAndOneNpyPerNodeWithGraphShapes) {
    const auto dir = temp_dir("infer_dump");
    const auto r = run_convlens("infer lenet5 --input " + sample("digit-3.png") + " --dump " +
                                (dir / "out").string() + " --top 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("1. "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("3. "), std::string::npos) << r.out;

    const auto index = nlohmann::json::parse(read_text(dir / "out" / "index.json"));
    const Graph graph = load_model("lenet5");
    ASSERT_EQ(int(index.size()), graph.size());
    for (int i = 0; i < graph.size(); ++i) {
        const auto& entry = index[size_t(i)];
        const Node& node = graph.node(i);
        EXPECT_EQ(entry["name"], node.name);
        EXPECT_EQ(entry["op"], op_kind_name(node.op->kind()));
        const std::vector<int> shape = entry["shape"];
        EXPECT_EQ(shape, (std::vector<int>{1, node.shape.c, node.shape.h, node.shape.w}));
        std::vector<int64_t> file_shape;
        const Tensor t =
            npy_read((dir / "out" / entry["file"].get<std::string>()).string(), &file_shape);
        EXPECT_EQ(file_shape, (std::vector<int64_t>{1, node.shape.c, node.shape.h, node.shape.w}))
            << node.name;
    }
    // The dumped input is what the network saw: the MNIST-preprocessed digit.
    const Tensor input = npy_read((dir / "out" / index[0]["file"].get<std::string>()).string());
    EXPECT_TENSORS_CLOSE(input, input_from_file(sample("digit-3.png"), graph.input_shape()).tensor,
                         0.0f, 0.0f);
}

TEST(CliInfer, TrainedLeNetRecognisesTheSampleDigits) {
    for (int digit = 0; digit < 10; ++digit) {
        const auto r = run_convlens("infer lenet5 --top 1 --input " +
                                    sample("digit-" + std::to_string(digit) + ".png"));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.out.find("1. " + std::to_string(digit) + " "), std::string::npos)
            << "digit " << digit << ":\n"
            << r.out;
    }
}

TEST(CliRender, WritesAGridPngOfTheLayer) {
    const auto dir = temp_dir("render");
    const auto r = run_convlens("render lenet5 --input " + sample("digit-3.png") +
                                " --layer conv1 --out " + (dir / "conv1.png").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Image png = image_read((dir / "conv1.png").string());
    EXPECT_GT(png.width, 200);
    // Six maps of a real digit: many distinct colours, not a blank picture.
    std::set<int> colours;
    for (int i = 0; i < png.width * png.height; ++i) {
        const float* p = &png.pixels[size_t(i) * png.channels];
        colours.insert(int(p[0] * 31) * 1024 + int(p[1] * 31) * 32 + int(p[2] * 31));
    }
    EXPECT_GT(colours.size(), 50u);
}

struct BadInfer {
    const char* name;
    const char* args;  // %S = sample digit, %D = test folder
    const char* message;
};

class CliInferBadInput : public ::testing::TestWithParam<BadInfer> {};

TEST_P(CliInferBadInput, OneLineNonZeroExit) {
    const BadInfer& c = GetParam();
    const auto dir = temp_dir(std::string("infer_bad_") + c.name);
    npy_write((dir / "wrong.npy").string(), Tensor::zeros({1, 1, 5, 5}));
    write_garbage(dir / "garbage.png");
    std::string args = c.args;
    for (size_t p; (p = args.find("%S")) != std::string::npos;)
        args.replace(p, 2, sample("digit-3.png"));
    for (size_t p; (p = args.find("%D")) != std::string::npos;) args.replace(p, 2, dir.string());
    const auto r = run_convlens(args);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "dump" / "index.json"));
    EXPECT_FALSE(std::filesystem::exists(dir / "out.png"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliInferBadInput,
    ::testing::Values(BadInfer{"unknown_model", "infer lenet6 --input %S --dump %D/dump", "lenet6"},
                      BadInfer{"missing_input",
                               "infer lenet5 --input %D/nothing.png --dump %D/dump", "nothing.png"},
                      BadInfer{"garbage_image",
                               "infer lenet5 --input %D/garbage.png --dump %D/dump", "garbage.png"},
                      BadInfer{"wrong_npy_shape",
                               "infer lenet5 --input %D/wrong.npy --dump %D/dump", "wrong.npy"},
                      BadInfer{
                          "missing_weights",
                          "infer lenet5 --input %S --weights %D/none.safetensors --dump %D/dump",
                          "none.safetensors"},
                      BadInfer{"unknown_layer",
                               "render lenet5 --input %S --layer conv9 --out %D/out.png", "conv9"}),
    [](const ::testing::TestParamInfo<BadInfer>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cl::testing
