// The Kernel Lab's engine half: its convolution equals `convlens convolve` (the CLI run as a user
// would), and the written-out arithmetic of every cell equals the engine's output value.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_runner.h"
#include "engine/error.h"
#include "engine/io/image.h"
#include "engine/io/npy.h"
#include "engine/kernel_lab.h"
#include "engine/model_loader.h"
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

TEST(KernelLab, KernelAsFilterIsCentredInZeros) {
    const std::vector<float> k3 = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::vector<float> f = kernel_as_filter(k3, 3, 5);
    ASSERT_EQ(f.size(), 25u);
    // By hand: row 0 and 4, column 0 and 4 are zero; the 3x3 sits at rows/columns 1..3.
    const std::vector<float> expected = {0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5,
                                         6, 0, 0, 7, 8, 9, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(f, expected);
    EXPECT_EQ(kernel_as_filter({2}, 1, 5)[12], 2.0f) << "1x1 lands in the centre";
    const std::vector<float> k5(25, 0.5f);
    EXPECT_EQ(kernel_as_filter(k5, 5, 5), k5);
    const std::vector<float> f2 = kernel_as_filter({1, 2, 3, 4}, 2, 5);  // up-left of centre
    EXPECT_EQ(f2[size_t(1 * 5 + 1)], 1.0f);
    EXPECT_EQ(f2[size_t(2 * 5 + 2)], 4.0f);
    EXPECT_THROW(kernel_as_filter(std::vector<float>(49, 1.0f), 7, 5), Error);
}

TEST(KernelLab, KernelAsFilterReplacesLeNetConv1LikeTheLab) {
    // The replaced filter, run by the network, gives the lab's output for the same kernel.
    Graph graph = load_model("lenet5");
    const Tensor image = grey_from_image(image_read(digit_path()));
    const KernelPreset& p = preset("Sobel x");
    const std::vector<float> w = kernel_as_filter(p.values, 3, 5);
    for (const GraphParam& gp : graph.params()) {
        if (gp.name == "conv1.weight")
            std::copy(w.begin(), w.end(), gp.param.value->data() + 2 * 25);
        if (gp.name == "conv1.bias") (*gp.param.value)[2] = 0.25f;
    }
    const Activations acts = graph.forward(image);
    const Tensor lab = convolve_single(image, p.values, 3, 1, 1, 0.25f);  // 3x3 pad 1 = 5x5 pad 2
    const Tensor& conv1 = acts.outputs.at(size_t(graph.find("conv1")));   // [1,6,28,28]
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x)
            ASSERT_NEAR(conv1.at(0, 2, y, x), lab.at(0, 0, y, x), 1e-5f) << y << "," << x;
}

TEST(KernelLab, LeNetConv2FilterOnPool1MapsEqualsTheEngine) {
    const Graph graph = load_model("lenet5");
    const Tensor image = grey_from_image(image_read(digit_path()));
    const Tensor pool1 = conv_input(graph, "conv2", image);
    ASSERT_EQ(pool1.shape().c, 6);
    ASSERT_EQ(pool1.shape().h, 14);
    EXPECT_EQ(conv_filter_count(graph, "conv2"), k_lenet_conv2_filters);
    EXPECT_EQ(conv_filter_count(graph, "fc1"), 0);
    const Tensor conv2 = graph.forward(image).outputs.at(size_t(graph.find("conv2")));
    for (int channel : {0, 7, 15}) {
        const LearnedFilter f = conv_filter(graph, "conv2", channel);
        ASSERT_EQ(f.channels, 6);
        ASSERT_EQ(f.k, 5);
        const Tensor lab = convolve_single(pool1, f.weights, 5, 1, 0, f.bias);  // [1,1,10,10]
        for (int y = 0; y < 10; ++y)
            for (int x = 0; x < 10; ++x) {
                ASSERT_NEAR(lab.at(0, 0, y, x), conv2.at(0, channel, y, x), 1e-4f);
                const CellArithmetic c = cell_arithmetic(pool1, f.weights, 5, 1, 0, f.bias, y, x);
                ASSERT_EQ(c.channel_sums.size(), 6u);
                float partial = f.bias;
                for (float v : c.channel_sums) partial += v;
                ASSERT_NEAR(partial, conv2.at(0, channel, y, x), 1e-4f) << y << "," << x;
            }
    }
    EXPECT_THROW(conv_filter(graph, "conv2", 16), Error);
    EXPECT_THROW(conv_filter(graph, "relu1", 0), Error);
}

TEST(KernelLab, SeveralChannelsWriteOutPartialSums) {
    Tensor image = Tensor::zeros({1, 2, 2, 2});
    image.at(0, 0, 0, 0) = 1.0f;  // channel 0 sees 1 under its weight 2
    image.at(0, 1, 1, 1) = 0.5f;  // channel 1 sees 0.5 under its weight -4
    const std::vector<float> kernel = {2, 0, 0, 0, 0, 0, 0, -4};
    const CellArithmetic c = cell_arithmetic(image, kernel, 2, 1, 0, 0.5f, 0, 0);
    EXPECT_FLOAT_EQ(c.channel_sums[0], 2.0f);
    EXPECT_FLOAT_EQ(c.channel_sums[1], -2.0f);
    EXPECT_FLOAT_EQ(c.value, 0.5f);
    EXPECT_EQ(c.text, "ch0 2.00 + ch1 -2.00 + bias 0.5 = 0.50");
}

TEST(KernelLab, ShrinkToFitAveragesBlocks) {
    Tensor big = Tensor::zeros({1, 1, 4, 6});
    for (int x = 0; x < 6; ++x) big.at(0, 0, 0, x) = 1.0f;  // top row bright
    const Tensor small = shrink_to_fit(big, 3);             // factor 2 -> 2x3
    ASSERT_EQ(small.shape().h, 2);
    ASSERT_EQ(small.shape().w, 3);
    EXPECT_FLOAT_EQ(small.at(0, 0, 0, 1), 0.5f);
    EXPECT_FLOAT_EQ(small.at(0, 0, 1, 1), 0.0f);
    EXPECT_EQ(shrink_to_fit(big, 6).shape().w, 6);
}

TEST(KernelLab, RgbImageShrinksPerChannelAndSumsThreePartialSums) {
    Image img;
    img.width = 4;
    img.height = 2;
    img.channels = 3;
    img.pixels.assign(4 * 2 * 3, 0.0f);
    for (int i = 0; i < 8; ++i) img.pixels[size_t(i * 3)] = 1.0f;  // pure red
    img.pixels[size_t(5 * 3 + 2)] = 0.5f;                          // a blue touch at (1, 1)
    const Tensor rgb = rgb_from_image(img);
    ASSERT_EQ(rgb.shape().c, 3);
    EXPECT_FLOAT_EQ(rgb.at(0, 0, 1, 3), 1.0f);
    EXPECT_FLOAT_EQ(rgb.at(0, 1, 1, 1), 0.0f);
    EXPECT_FLOAT_EQ(rgb.at(0, 2, 1, 1), 0.5f);
    const Tensor small = shrink_to_fit(rgb, 2);  // factor 2 -> [1,3,1,2]
    ASSERT_EQ(small.shape().c, 3);
    ASSERT_EQ(small.shape().w, 2);
    EXPECT_FLOAT_EQ(small.at(0, 0, 0, 0), 1.0f);
    EXPECT_FLOAT_EQ(small.at(0, 2, 0, 0), 0.125f);  // 0.5 in one of four pixels
    // The same 1x1 weight 2 on every channel: red 1 and blue 0.5 give partial sums 2 and 1.
    const std::vector<float> k3 = repeat_channels({2.0f}, 3);
    ASSERT_EQ(k3, (std::vector<float>{2, 2, 2}));
    const CellArithmetic c = cell_arithmetic(rgb, k3, 1, 1, 0, 0.0f, 1, 1);
    EXPECT_FLOAT_EQ(c.channel_sums[0], 2.0f);
    EXPECT_FLOAT_EQ(c.channel_sums[2], 1.0f);
    EXPECT_FLOAT_EQ(c.value, 3.0f);
    EXPECT_FLOAT_EQ(convolve_single(rgb, k3, 1, 1, 0, 0.0f).at(0, 0, 1, 1), 3.0f);
}

}  // namespace cl::testing
