// The Kernel Lab's engine half: its convolution equals `convlens convolve` (the CLI run as a user
// would), and the written-out arithmetic of every cell equals the engine's output value.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_runner.h"
#include "engine/error.h"
#include "engine/io/image.h"
#include "engine/io/npy.h"
#include "engine/kernel_lab.h"
#include "testing.h"

namespace cl::testing {

namespace {
std::string digit_path() {
    return std::string(CONVLENS_TESTS_DIR) + "/../assets/samples/digit-3.png";
}

std::string kernel_text(const KernelPreset& p) {
    std::string text;
    for (int i = 0; i < p.k * p.k; ++i) {
        text += (i == 0 ? "" : i % p.k == 0 ? ";" : ",");
        char value[32];
        std::snprintf(value, sizeof value, "%.9g", double(p.values[size_t(i)]));
        text += value;
    }
    return text;
}

const KernelPreset& preset(const std::string& name) {
    for (const KernelPreset& p : kernel_presets())
        if (name == p.name) return p;
    throw Error("no preset " + name);
}

struct LabCase {
    const char* preset;
    int stride, pad;
};
}  // namespace

class KernelLabVsCli : public ::testing::TestWithParam<LabCase> {};

TEST_P(KernelLabVsCli, OutputEqualsConvlensConvolve) {
    const LabCase c = GetParam();
    const KernelPreset& p = preset(c.preset);
    const auto dir = std::filesystem::path(CONVLENS_TEST_TMP) / "kernel_lab";
    std::filesystem::create_directories(dir);
    const auto out =
        dir / (std::string("cli_") + std::to_string(c.stride) + "_" + std::to_string(c.pad) + "_" +
               std::to_string(std::hash<std::string>{}(c.preset)) + ".npy");
    const CommandResult r = run_convlens(
        "convolve --input " + digit_path() + " --kernel \"" + kernel_text(p) + "\" --stride " +
        std::to_string(c.stride) + " --pad " + std::to_string(c.pad) + " --out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Tensor cli = npy_read(out.string());
    const Tensor lab = convolve_single(grey_from_image(image_read(digit_path())), p.values, p.k,
                                       c.stride, c.pad, 0.0f);
    ASSERT_EQ(cli.shape().h, lab.shape().h);
    ASSERT_EQ(cli.shape().w, lab.shape().w);
    EXPECT_TENSORS_CLOSE(cli.reshaped(lab.shape()), lab, 1e-6f, 1e-6f);
}

INSTANTIATE_TEST_SUITE_P(Presets, KernelLabVsCli,
                         ::testing::Values(LabCase{"horizontal edge", 1, 0},
                                           LabCase{"vertical edge", 2, 1}, LabCase{"Sobel x", 3, 2},
                                           LabCase{"Gaussian blur", 4, 3}));

TEST(KernelLab, CellArithmeticEqualsEveryOutputValue) {
    const Tensor image = grey_from_image(image_read(digit_path()));
    const std::vector<float> kernel = {
        0.5f, -1,    2, 0, 1, -0.25f, 1, 1,
        -1,   0.75f, 0, 0, 2, -2,     1, 0.5f};  // 4x4, no symmetry: a flipped index would show
    for (int stride = 1; stride <= 3; ++stride)
        for (int pad = 0; pad <= 3; pad += 3) {
            const Tensor out = convolve_single(image, kernel, 4, stride, pad, 0.3f);
            for (int y = 0; y < out.shape().h; ++y)
                for (int x = 0; x < out.shape().w; ++x) {
                    const CellArithmetic c =
                        cell_arithmetic(image, kernel, 4, stride, pad, 0.3f, y, x);
                    ASSERT_NEAR(c.value, out.at(0, 0, y, x), 1e-5f)
                        << "stride " << stride << " pad " << pad << " cell " << y << "," << x;
                }
        }
}

TEST(KernelLab, HorizontalEdgeByHand) {
    // A bright row under a dark row: the detector's -1 row sits on dark, its +1 row on bright.
    Tensor image = Tensor::zeros({1, 1, 3, 3});
    for (int x = 0; x < 3; ++x) image.at(0, 0, 1, x) = 0.5f;
    const KernelPreset& p = preset("horizontal edge");
    const CellArithmetic c = cell_arithmetic(image, p.values, 3, 1, 0, 0.0f, 0, 0);
    EXPECT_FLOAT_EQ(c.value, 1.5f);
    EXPECT_EQ(c.text,
              "(-1\xC3\x97"
              "0.00) + (-1\xC3\x97"
              "0.00) + (-1\xC3\x97"
              "0.00) + (1\xC3\x97"
              "0.50) + "
              "(1\xC3\x97"
              "0.50) + (1\xC3\x97"
              "0.50) + (0\xC3\x97"
              "0.00) + (0\xC3\x97"
              "0.00) + "
              "(0\xC3\x97"
              "0.00) = 1.50");
    const Tensor out = convolve_single(image, p.values, 3, 1, 0, 0.0f);
    EXPECT_FLOAT_EQ(out[0], 1.5f);
    // With padding 1, output (1, 0): the window's left column lies in the zeros around the
    // image, so its +1 row sees 0 + 0.5 + 0.5.
    const CellArithmetic edge = cell_arithmetic(image, p.values, 3, 1, 1, 0.0f, 1, 0);
    EXPECT_FLOAT_EQ(edge.value, 1.0f);
    EXPECT_FLOAT_EQ(edge.patch[3], 0.0f);
}

TEST(KernelLab, OutputSizeFormulaHasTheNumbers) {
    EXPECT_EQ(lab_output_size(28, 3, 1, 0), 26);
    EXPECT_EQ(lab_output_size(28, 5, 2, 2), 14);
    EXPECT_EQ(lab_output_size(2, 5, 1, 0), 0);
    EXPECT_EQ(output_size_formula(28, 5, 2, 2),
              "(28 + 2\xC3\x97"
              "2 - 5) / 2 + 1 = 14");
}

TEST(KernelLab, LearnedFilterIsLeNetConv1) {
    const std::vector<float> f = lenet_conv1_filter(0);
    ASSERT_EQ(f.size(), 25u);
    float energy = 0;
    for (float v : f) energy += v * v;
    EXPECT_GT(energy, 0.01f) << "trained weights, not zeros";
    EXPECT_THROW(lenet_conv1_filter(6), Error);
}

TEST(KernelLab, KernelOfTheWrongSizeIsAnError) {
    const Tensor image = Tensor::zeros({1, 1, 5, 5});
    EXPECT_THROW(convolve_single(image, {1, 2, 3}, 3, 1, 0, 0), Error);
    EXPECT_THROW(convolve_single(image, std::vector<float>(49, 1.0f), 7, 1, 0, 0), Error);
}

}  // namespace cl::testing
