// `convlens explain`: each method writes a .npy of the promised shape (and the PNG overlay when
// asked), on a zoo model and an imported ONNX file; every bad input is one line on stderr, a
// non-zero exit, and no file. (A model with an op without backward cannot be made from the CLI
// any more, every op has one: test_attribution.cpp checks that refusal with a test op.)
#include "cli_runner.h"
#include "engine/io/image.h"
#include "engine/io/npy.h"
#include "engine/io/onnx_export.h"
#include "engine/zoo/zoo.h"

namespace cl::testing {
namespace {

namespace fs = std::filesystem;

std::string sample(const std::string& name) {
    return std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/" + name;
}

std::vector<int64_t> npy_shape(const fs::path& path) {
    std::vector<int64_t> shape;
    npy_read(path.string(), &shape);
    return shape;
}

// An ONNX file of a small model with an element-wise Mul by a constant (as normalisation
// layers write it), written by the exporter: the CLI on an imported model.
fs::path scaled_onnx(const fs::path& dir) {
    GraphBuilder b("scaled", ZooOptions{});
    int x = b.input("input", {1, 1, 28, 28});
    x = b.conv2d("conv1", x, conv(4, 5));
    x = b.graph().add(
        "scale", make_elementwise_constant(OpKind::Mul, Tensor::filled({1, 1, 1, 1}, 0.5f)), {x});
    x = b.relu("relu1", x);
    x = b.flatten("flatten", x);
    b.linear("fc", x, 10);
    const fs::path path = dir / "scaled.onnx";
    onnx_export(b.finish(), path.string());
    return path;
}

TEST(CliExplain, EachMethodWritesItsMap) {
    const fs::path dir = temp_dir("cli_explain_good");
    const std::string digit = " --input " + sample("digit-7.png");
    struct Case {
        std::string args;
        std::vector<int64_t> shape;
    };
    const Case cases[] = {
        {"--method gradcam", {10, 10}},  // relu2, 16x10x10
        {"--method gradcam --layer conv1 --class 3", {28, 28}},
        {"--method saliency", {1, 1, 28, 28}},
        {"--method gradxinput --class 1", {1, 1, 28, 28}},
        {"--method occlusion --patch 4 --stride 4", {7, 7}},
        {"--method occlusion", {13, 13}},  // patch 4, stride 2: (28 - 4) / 2 + 1
    };
    int i = 0;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.args);
        const fs::path out = dir / ("map" + std::to_string(i) + ".npy");
        const fs::path png = dir / ("map" + std::to_string(i++) + ".png");
        const auto r = run_convlens("explain lenet5" + digit + " " + c.args + " --out " +
                                    out.string() + " --png " + png.string());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(npy_shape(out), c.shape);
        const Image picture = image_read(png.string());
        EXPECT_EQ(picture.width, 448);   // 28 pixels x 16
        EXPECT_GT(picture.height, 448);  // and the colour bar below
        if (c.args.find("--class") == std::string::npos) {
            EXPECT_NE(r.out.find("class 7 (7)"), std::string::npos) << r.out;
        }
    }
    const std::string onnx = scaled_onnx(dir).string();
    for (const char* method : {"saliency", "gradcam", "occlusion"}) {
        SCOPED_TRACE(method);
        const fs::path out = dir / (std::string("onnx_") + method + ".npy");
        const auto r = run_convlens("explain " + onnx + digit + " --method " + method + " --out " +
                                    out.string());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_FALSE(npy_shape(out).empty());
    }
    EXPECT_EQ(npy_shape(dir / "onnx_gradcam.npy"), (std::vector<int64_t>{24, 24}));  // conv1
}

TEST(CliExplain, BadInputIsOneLineAndNoFile) {
    const fs::path dir = temp_dir("cli_explain_bad");
    const std::string digit = " --input " + sample("digit-7.png");
    write_garbage(dir / "garbage.png");
    struct Case {
        std::string args, message;
    };
    const Case cases[] = {
        {"lenet5" + digit + " --method blur", "--method must be gradcam, saliency"},
        {"lenet5" + digit + " --method gradcam --layer nope", "no layer named 'nope'"},
        {"lenet5" + digit + " --method gradcam --layer fc1", "spatial output"},
        {"lenet5" + digit + " --method gradcam --layer softmax", "does not feed"},
        {"lenet5" + digit + " --method saliency --class 10", "class 10 is out of range"},
        {"lenet5" + digit + " --method saliency --class -2", "--class must be 0 or more"},
        {"lenet5" + digit + " --method saliency --layer conv1", "--layer is for --method gradcam"},
        {"lenet5" + digit + " --method gradcam --patch 3", "are for --method occlusion"},
        {"lenet5" + digit + " --method occlusion --patch 40", "does not fit"},
        {"lenet5 --input " + (dir / "garbage.png").string() + " --method saliency", "garbage.png"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.args);
        const fs::path out = dir / "map.npy", png = dir / "map.png";
        const auto r =
            run_convlens("explain " + c.args + " --out " + out.string() + " --png " + png.string());
        EXPECT_NE(r.exit_code, 0);
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.err.rfind("convlens: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(out));
        EXPECT_FALSE(fs::exists(png));
    }
    const auto r = run_convlens("explain lenet5" + digit + " --method saliency --out " +
                                (dir / "map.txt").string());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("--out must end in .npy"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "map.txt"));
}

}  // namespace
}  // namespace cl::testing
