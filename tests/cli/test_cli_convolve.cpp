// `convlens convolve`: values against hand-computed results and a naive loop, PNG output, and
// every kind of bad input giving one line and exit 1 with no file left behind.
#include <filesystem>

#include "cli_runner.h"
#include "engine/io/image.h"
#include "engine/io/npy.h"

namespace cl::testing {
namespace {

const char* k_horizontal_edge = "\"-1,-1,-1;1,1,1;0,0,0\"";

CommandResult run_convolve_to(const std::filesystem::path& dir, const std::string& input,
                              const std::string& kernel, const std::string& out,
                              const std::string& extra) {
    const std::string in_path =
        input.find('/') == std::string::npos ? (dir / input).string() : input;
    return run_convlens("convolve --input " + in_path + " --kernel " + kernel + " --out " +
                        (dir / out).string() + " " + extra);
}

// A 5x5 image: black top two rows, white below. The horizontal-edge detector responds where
// a dark row lies above a bright one.
Tensor step_image() {
    Tensor t = Tensor::zeros({1, 1, 5, 5});
    for (int y = 2; y < 5; ++y)
        for (int x = 0; x < 5; ++x) t.at(0, 0, y, x) = 1.0f;
    return t;
}

TEST(CliConvolve, HorizontalEdgeMatchesHandComputedValues) {
    const auto dir = temp_dir("convolve_hand");
    npy_write((dir / "step.npy").string(), step_image(), {5, 5});
    const auto r = run_convolve_to(dir, "step.npy", k_horizontal_edge, "h.npy", "");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<int64_t> shape;
    const Tensor out = npy_read((dir / "h.npy").string(), &shape);
    ASSERT_EQ(shape, (std::vector<int64_t>{3, 3}));
    // Output row y covers input rows y..y+2 with weights -1 (row y), +1 (row y+1), 0 (row y+2):
    //   y=0: rows 0,1 are black       -> -0 + 0 = 0
    //   y=1: row 1 black, row 2 white -> -0 + 3 = 3
    //   y=2: rows 2,3 white           -> -3 + 3 = 0
    const float expected[3] = {0.0f, 3.0f, 0.0f};
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x)
            EXPECT_FLOAT_EQ(out.at(0, 0, y, x), expected[y]) << y << "," << x;
}

TEST(CliConvolve, StrideAndPaddingMatchNaiveLoopOnADigit) {
    const auto dir = temp_dir("convolve_digit");
    const std::string digit = std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/digit-3.png";
    const auto r = run_convolve_to(dir, digit, k_horizontal_edge, "h.npy", "--stride 2 --pad 1");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor out = npy_read((dir / "h.npy").string());
    const Image img = image_read(digit);
    ASSERT_EQ(img.channels, 1);
    const float k[3][3] = {{-1, -1, -1}, {1, 1, 1}, {0, 0, 0}};
    const int oh = (img.height + 2 - 3) / 2 + 1, ow = (img.width + 2 - 3) / 2 + 1;
    ASSERT_EQ(out.shape().h, oh);
    ASSERT_EQ(out.shape().w, ow);
    for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
            double sum = 0;
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 3; ++j) {
                    const int iy = y * 2 - 1 + i, ix = x * 2 - 1 + j;
                    if (iy >= 0 && iy < img.height && ix >= 0 && ix < img.width)
                        sum += k[i][j] * img.pixels[size_t(iy * img.width + ix)];
                }
            EXPECT_NEAR(out.at(0, 0, y, x), sum, 1e-5) << y << "," << x;
        }
}

TEST(CliConvolve, PngOutputIsAViewableColourImage) {
    const auto dir = temp_dir("convolve_png");
    const std::string digit = std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/digit-3.png";
    const auto r = run_convolve_to(dir, digit, k_horizontal_edge, "h.png", "");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Image png = image_read((dir / "h.png").string());
    EXPECT_GE(png.width, 200);
    EXPECT_EQ(png.channels, 3);
    // Negative and positive responses both occur on a digit: blue-ish and red-ish pixels.
    int reddish = 0, bluish = 0;
    for (int i = 0; i < png.width * png.height; ++i) {
        const float* p = &png.pixels[size_t(i) * 3];
        reddish += p[0] > p[2] + 0.3f;
        bluish += p[2] > p[0] + 0.3f;
    }
    EXPECT_GT(reddish, 100);
    EXPECT_GT(bluish, 100);
}

struct BadConvolve {
    const char* name;
    const char* input;  // "digit", "tiny" (a 4x4 array) or "missing"
    const char* kernel;
    const char* extra;
    const char* message;  // a fragment the one-line error must contain
};

class CliConvolveBadInput : public ::testing::TestWithParam<BadConvolve> {};

TEST_P(CliConvolveBadInput, OneLineNonZeroExitNoFile) {
    const BadConvolve& c = GetParam();
    const auto dir = temp_dir(std::string("convolve_bad_") + c.name);
    std::string input = std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/digit-3.png";
    if (std::string(c.input) == "tiny") {
        input = (dir / "tiny.npy").string();
        npy_write(input, Tensor::filled({1, 1, 4, 4}, 0.5f), {4, 4});
    } else if (std::string(c.input) == "missing") {
        input = (dir / "missing.png").string();
    }
    const auto r = run_convolve_to(dir, input, c.kernel, "out.npy", c.extra);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "out.npy"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliConvolveBadInput,
    ::testing::Values(
        BadConvolve{"not_a_number", "digit", "\"1,x,1;1,1,1;1,1,1\"", "", "not a number"},
        BadConvolve{"not_square", "digit", "\"1,1,1;1,1,1\"", "", "square"},
        BadConvolve{"stride_zero", "digit", k_horizontal_edge, "--stride 0", "stride"},
        BadConvolve{"negative_pad", "digit", k_horizontal_edge, "--pad=-1", "pad"},
        BadConvolve{"kernel_too_big", "tiny",
                    "\"1,1,1,1,1,1,1;1,1,1,1,1,1,1;1,1,1,1,1,1,1;1,1,1,1,1,1,1;"
                    "1,1,1,1,1,1,1;1,1,1,1,1,1,1;1,1,1,1,1,1,1\"",
                    "", "larger than the padded input"},
        BadConvolve{"missing_input", "missing", k_horizontal_edge, "", "missing.png"}),
    [](const ::testing::TestParamInfo<BadConvolve>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cl::testing
