// Model inputs: every accepted .npy form (the (N,F) array of a features model among them), image
// files with the MNIST convention, huge images downscaled with their transparency, drawings and
// tensors, the built-in samples, and each refusal's one-line message.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/image.h"
#include "engine/io/model_input.h"
#include "engine/io/npy.h"
#include "engine/paths.h"
#include "io_test_util.h"

namespace cl {
namespace {

using testing::error_of;
using testing::random_tensor;
using testing::temp_dir;

std::string sample(const std::string& name) {
    return assets_dir() + "/samples/" + name;
}

// A 32-bit BMP (BGRA, bottom-up) with every pixel the same: stb reads its alpha channel. Without
// `pixels` only the headers are written (enough for a size check).
void write_bmp(const std::string& path, int w, int h, uint8_t grey, uint8_t alpha,
               bool pixels = true) {
    std::string b;
    auto u16 = [&](uint32_t v) { b += char(v & 0xff), b += char((v >> 8) & 0xff); };
    auto u32 = [&](uint32_t v) { u16(v & 0xffff), u16(v >> 16); };
    const uint32_t bytes = uint32_t(w) * uint32_t(h) * 4;
    b += "BM";
    u32(54 + bytes), u32(0), u32(54);  // file size, reserved, pixel offset
    u32(40), u32(uint32_t(w)), u32(uint32_t(h)), u16(1), u16(32);
    u32(0), u32(bytes), u32(2835), u32(2835), u32(0), u32(0);  // BI_RGB, 72 dpi
    for (uint32_t i = 0; pixels && i < uint32_t(w) * uint32_t(h); ++i)
        b += char(grey), b += char(grey), b += char(grey), b += char(alpha);
    testing::write_bytes(path, b);
}

struct NpyCase {
    const char* name;
    Shape model;
    std::vector<int64_t> file_shape;
};
void PrintTo(const NpyCase& c, std::ostream* os) {
    *os << c.name;
}

class ModelInputNpyAccepted : public ::testing::TestWithParam<NpyCase> {};

// The values are used exactly as given, in file order, reshaped to the model's input.
TEST_P(ModelInputNpyAccepted, UsesTheValuesAsGiven) {
    const NpyCase& c = GetParam();
    const auto dir = temp_dir(std::string("model_input_npy_") + c.name);
    const std::string path = (dir / "x.npy").string();
    const Tensor values = random_tensor(c.model, 3);
    npy_write(path, values, c.file_shape);
    const ModelInput in = input_from_file(path, c.model);
    EXPECT_EQ(in.tensor.shape(), c.model);
    EXPECT_TENSORS_CLOSE(in.tensor, values, 0.0f, 0.0f);
    EXPECT_EQ(in.label, "x.npy");
    EXPECT_EQ(in.notice, "");
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ModelInputNpyAccepted,
    ::testing::Values(NpyCase{"rank4_exact", {1, 1, 28, 28}, {1, 1, 28, 28}},
                      NpyCase{"hw", {1, 1, 28, 28}, {28, 28}},
                      NpyCase{"chw_grey", {1, 1, 28, 28}, {1, 28, 28}},
                      NpyCase{"chw_rgb", {1, 3, 8, 8}, {3, 8, 8}},
                      NpyCase{"rank4_rgb", {1, 3, 8, 8}, {1, 3, 8, 8}},
                      NpyCase{"nf_features", {1, 3, 1, 1}, {1, 3}},  // the (N,F) case
                      NpyCase{"f_features", {1, 3, 1, 1}, {3}},
                      NpyCase{"f11_features", {1, 3, 1, 1}, {3, 1, 1}},
                      NpyCase{"rank4_features", {1, 3, 1, 1}, {1, 3, 1, 1}},
                      NpyCase{"nf_784", {1, 784, 1, 1}, {1, 784}}),
    [](const ::testing::TestParamInfo<NpyCase>& info) { return std::string(info.param.name); });

TEST(ModelInput, TheNFArrayIsNotReadAsAnImageRow) {
    // [1,3] right-aligned would be 1x1x1x3; for a [N,3] model it is three features in order.
    const auto dir = temp_dir("model_input_nf_order");
    const std::string path = (dir / "x.npy").string();
    npy_write(path, Tensor::from_vector({1, 1, 1, 3}, {0.5f, -1.0f, 2.0f}), {1, 3});
    const Tensor t = input_from_file(path, {1, 3, 1, 1}).tensor;
    ASSERT_EQ(t.shape(), (Shape{1, 3, 1, 1}));
    EXPECT_EQ(t.at(0, 0, 0, 0), 0.5f);
    EXPECT_EQ(t.at(0, 1, 0, 0), -1.0f);
    EXPECT_EQ(t.at(0, 2, 0, 0), 2.0f);
}

TEST(ModelInput, NpyFormsListTheFittingShapes) {
    using Forms = std::vector<std::vector<int64_t>>;
    EXPECT_EQ(npy_input_forms({1, 1, 28, 28}), (Forms{{28, 28}, {1, 28, 28}, {1, 1, 28, 28}}));
    EXPECT_EQ(npy_input_forms({1, 3, 224, 224}), (Forms{{3, 224, 224}, {1, 3, 224, 224}}));
    EXPECT_EQ(npy_input_forms({1, 10, 1, 1}), (Forms{{10}, {1, 10}, {10, 1, 1}, {1, 10, 1, 1}}));
    EXPECT_EQ(npy_input_forms({1, 1, 1, 1}), (Forms{{1}, {1, 1}, {1, 1, 1}, {1, 1, 1, 1}}));
}

struct NpyRefusal {
    const char* name;
    Shape model;
    Shape values;
    std::vector<int64_t> file_shape;
    const char* message;  // after "<path>: "
};
void PrintTo(const NpyRefusal& c, std::ostream* os) {
    *os << c.name;
}

class ModelInputNpyRefused : public ::testing::TestWithParam<NpyRefusal> {};

TEST_P(ModelInputNpyRefused, OneLineNamingTheFileAndTheShapes) {
    const NpyRefusal& c = GetParam();
    const auto dir = temp_dir(std::string("model_input_refused_") + c.name);
    const std::string path = (dir / "x.npy").string();
    npy_write(path, Tensor::zeros(c.values), c.file_shape);
    EXPECT_EQ(error_of([&] { input_from_file(path, c.model); }), path + ": " + c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ModelInputNpyRefused,
    ::testing::Values(
        NpyRefusal{"small_image",
                   {1, 1, 28, 28},
                   {1, 1, 5, 5},
                   {5, 5},
                   "array [5,5] does not match the model's input 1x1x28x28 (give [28,28], "
                   "[1,28,28] or [1,1,28,28])"},
        NpyRefusal{"features_for_an_image_model",
                   {1, 1, 28, 28},
                   {1, 784, 1, 1},
                   {1, 784},
                   "array [1,784] does not match the model's input 1x1x28x28 (give [28,28], "
                   "[1,28,28] or [1,1,28,28])"},
        NpyRefusal{"wrong_feature_count",
                   {1, 3, 1, 1},
                   {1, 4, 1, 1},
                   {1, 4},
                   "array [1,4] does not match the model's input 1x3x1x1 (give [3], [1,3], "
                   "[3,1,1] or [1,3,1,1])"},
        NpyRefusal{"fn_transposed",
                   {1, 3, 1, 1},
                   {1, 3, 1, 1},
                   {3, 1},
                   "array [3,1] does not match the model's input 1x3x1x1 (give [3], [1,3], "
                   "[3,1,1] or [1,3,1,1])"},
        NpyRefusal{"feature_batch",
                   {1, 3, 1, 1},
                   {4, 3, 1, 1},
                   {4, 3},
                   "array [4,3] holds 4 samples; the model takes one at a time, [1,3]"},
        NpyRefusal{"image_batch",
                   {1, 1, 28, 28},
                   {2, 1, 28, 28},
                   {2, 1, 28, 28},
                   "array [2,1,28,28] holds 2 samples; the model takes one at a time, "
                   "[1,1,28,28]"},
        NpyRefusal{"three_channels_for_grey",
                   {1, 1, 28, 28},
                   {1, 3, 28, 28},
                   {3, 28, 28},
                   "array [3,28,28] does not match the model's input 1x1x28x28 (give "
                   "[28,28], [1,28,28] or [1,1,28,28])"}),
    [](const ::testing::TestParamInfo<NpyRefusal>& info) { return std::string(info.param.name); });

TEST(ModelInput, UnreadableFilesNameTheFile) {
    const auto dir = temp_dir("model_input_unreadable");
    const std::string missing = (dir / "nothing.png").string();
    EXPECT_FILE_ERROR(input_from_file(missing, {1, 1, 28, 28}), missing, "no such file");
    const std::string garbage = (dir / "garbage.png").string();
    testing::write_garbage(garbage);
    EXPECT_FILE_ERROR(input_from_file(garbage, {1, 1, 28, 28}), garbage, "not a readable image");
    const std::string bad_npy = (dir / "bad.npy").string();
    testing::write_garbage(bad_npy);
    EXPECT_FILE_ERROR(input_from_file(bad_npy, {1, 1, 28, 28}), bad_npy, "");
    const std::string huge = (dir / "huge.bmp").string();
    write_bmp(huge, 20000, 10000, 0, 255, false);  // 200 megapixels: refused from the header
    EXPECT_FILE_ERROR(input_from_file(huge, {1, 3, 8, 8}), huge,
                      "20000x10000 pixels is too large to open");
}

TEST(ModelInput, AColourImageNeedsOneOrThreeChannels) {
    const std::string photo = sample("photo-cat.jpg");
    EXPECT_EQ(error_of([&] {
                  input_from_file(photo, {1, 5, 8, 8});
              }),
              photo +
                  ": the model expects 5 input channels; a colour image gives 1 (as grey) "
                  "or 3 (RGB)");
}

TEST(ModelInput, ImagesFollowTheMnistConventionFor28x28Models) {
    const std::string path = sample("digit-7-paper.png");  // dark ink on light paper
    const ModelInput in = input_from_file(path, {1, 1, 28, 28});
    EXPECT_EQ(in.label, "digit-7-paper.png");
    EXPECT_TENSORS_CLOSE(in.tensor, mnist_preprocess(image_read(path)), 0.0f, 0.0f);
    EXPECT_EQ(in.tensor.at(0, 0, 0, 0), 0.0f);  // inverted: black background, as MNIST
    // Other shapes are a plain resize.
    const std::string photo = sample("photo-cat.jpg");
    EXPECT_TENSORS_CLOSE(input_from_file(photo, {1, 3, 32, 32}).tensor,
                         image_to_input(image_read(photo), {1, 3, 32, 32}), 0.0f, 0.0f);
}

TEST(ModelInput, HugeImagesAreDownscaledWithTheirTransparency) {
    const auto dir = temp_dir("model_input_huge");
    // Black at alpha 128 over white: 1 - 128/255 everywhere, on both the small and the huge path.
    const float want = 1.0f - 128.0f / 255.0f;
    const std::string small = (dir / "small.bmp").string(), wide = (dir / "wide.bmp").string();
    write_bmp(small, 100, 6, 0, 128);
    write_bmp(wide, 4100, 6, 0, 128);  // > 2048: box-downscaled by 3
    const ModelInput a = input_from_file(small, {1, 3, 2, 8});
    const ModelInput b = input_from_file(wide, {1, 3, 2, 8});
    EXPECT_EQ(a.notice, "");
    EXPECT_EQ(b.notice, "wide.bmp: 4100x6 downscaled to 1366x2 before use");
    EXPECT_TENSORS_CLOSE(a.tensor, Tensor::filled({1, 3, 2, 8}, want), 0.0f, 1e-5f);
    EXPECT_TENSORS_CLOSE(b.tensor, Tensor::filled({1, 3, 2, 8}, want), 0.0f, 1e-5f);
}

TEST(ModelInput, ADrawingIsConvertedAsAnImage) {
    Image pad = image_read(sample("digit-3.png"));
    const ModelInput in = input_from_image(pad, {1, 1, 28, 28}, "your drawing");
    EXPECT_EQ(in.label, "your drawing");
    EXPECT_TENSORS_CLOSE(in.tensor, mnist_preprocess(pad), 0.0f, 0.0f);
    EXPECT_TENSORS_CLOSE(input_from_image(pad, {1, 3, 40, 40}, "d").tensor,
                         image_to_input(pad, {1, 3, 40, 40}), 0.0f, 0.0f);
    Image rgb;
    rgb.width = rgb.height = 2, rgb.channels = 3, rgb.pixels.assign(12, 0.5f);
    EXPECT_EQ(error_of([&] {
                  input_from_image(rgb, {1, 2, 2, 2}, "your drawing");
              }),
              "your drawing: the model expects 2 input channels; a colour image gives 1 (as "
              "grey) or 3 (RGB)");
}

TEST(ModelInput, ATensorOfTheModelsShapeIsUsedAsItIs) {
    const Tensor t = random_tensor({1, 3, 1, 1}, 5);
    const ModelInput in = input_from_tensor(t, {1, 3, 1, 1}, "features");
    EXPECT_EQ(in.tensor.data(), t.data());  // not even copied
    EXPECT_EQ(in.label, "features");
}

TEST(ModelInput, ADrawingTensorOfAnotherShapeIsResized) {
    Tensor drawing = random_tensor({1, 1, 56, 56}, 6, 0.0f, 1.0f);
    drawing.at(0, 0, 0, 0) = 3.0f;  // clamped into [0,1] as an image pixel
    Image image;
    image.width = image.height = 56, image.channels = 1;
    image.pixels = drawing.to_vector();
    image.pixels[0] = 1.0f;
    EXPECT_TENSORS_CLOSE(input_from_tensor(drawing, {1, 3, 32, 32}, "d").tensor,
                         image_to_input(image, {1, 3, 32, 32}), 0.0f, 0.0f);
    EXPECT_EQ(error_of([&] {
                  input_from_tensor(Tensor::zeros({1, 5, 2, 2}), {1, 3, 8, 8}, "d");
              }),
              "d: a 1x5x2x2 tensor does not match the model's input 1x3x8x8");
    EXPECT_EQ(error_of([&] {
                  input_from_tensor(Tensor::zeros({2, 1, 8, 8}), {1, 1, 4, 4}, "d");
              }),
              "d: a 2x1x8x8 tensor does not match the model's input 1x1x4x4");
}

TEST(ModelInput, DefaultInputsFitEveryShape) {
    const ModelInput digit = default_input({1, 1, 28, 28});
    EXPECT_EQ(digit.tensor.shape(), (Shape{1, 1, 28, 28}));
    EXPECT_EQ(digit.label.rfind("sample digit-", 0), 0u) << digit.label;
    const ModelInput photo = default_input({1, 3, 224, 224});
    EXPECT_EQ(photo.tensor.shape(), (Shape{1, 3, 224, 224}));
    EXPECT_EQ(photo.label.rfind("sample photo-", 0), 0u) << photo.label;
    for (Shape s : {Shape{1, 3, 32, 32}, Shape{1, 1, 64, 64}, Shape{1, 3, 1, 1}, Shape{1, 2, 9, 9}})
        EXPECT_EQ(default_input(s).tensor.shape(), s) << s.str();
}

TEST(ModelInput, SampleFilesAreTheShippedImagesSorted) {
    const std::vector<std::string> files = sample_files();
    ASSERT_GE(files.size(), 10u);
    EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
    EXPECT_EQ(files.front(), sample("digit-0.png"));
}

}  // namespace
}  // namespace cl
