// Images: reading (and its errors), PNG writing, the MNIST normalisation of a drawn or
// photographed digit and resizing into a model's input (.npy inputs: test_model_input.cpp).
#include <cmath>
#include <string>
#include <vector>

#include "engine/io/image.h"
#include "engine/paths.h"
#include "io_test_util.h"

namespace cl {
namespace {

using testing::temp_dir;

std::string sample(const std::string& name) {
    return assets_dir() + "/samples/" + name;
}

struct Moments {
    double mass = 0, cx = 0, cy = 0;
    int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;  // bounding box of pixels > 0
};

Moments moments(const Tensor& t) {
    Moments m;
    const int h = t.shape().h, w = t.shape().w;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double v = t.at(0, 0, y, x);
            if (v <= 0) continue;
            m.mass += v;
            m.cx += v * x;
            m.cy += v * y;
            m.x0 = std::min(m.x0, x), m.x1 = std::max(m.x1, x);
            m.y0 = std::min(m.y0, y), m.y1 = std::max(m.y1, y);
        }
    if (m.mass > 0) m.cx /= m.mass, m.cy /= m.mass;
    return m;
}

double correlation(const Tensor& a, const Tensor& b) {
    const int64_t n = a.numel();
    double ma = 0, mb = 0;
    for (int64_t i = 0; i < n; ++i) ma += a[i], mb += b[i];
    ma /= n, mb /= n;
    double ab = 0, aa = 0, bb = 0;
    for (int64_t i = 0; i < n; ++i) {
        ab += (a[i] - ma) * (b[i] - mb);
        aa += (a[i] - ma) * (a[i] - ma);
        bb += (b[i] - mb) * (b[i] - mb);
    }
    return ab / std::sqrt(aa * bb);
}

Tensor as_tensor(const Image& img) {
    EXPECT_EQ(img.channels, 1);
    return Tensor::from_vector({1, 1, img.height, img.width}, img.pixels);
}

// The digit enlarged `scale` times (nearest) at (ox, oy) on a w x h page: ink = 1 - digit *
// ink_depth on paper of brightness `paper` (dark-on-light, as a photo of a drawing).
Image paste_on_paper(const Image& digit, int w, int h, int ox, int oy, int scale, float paper) {
    Image page;
    page.width = w, page.height = h, page.channels = 1;
    page.pixels.assign(size_t(w) * size_t(h), paper);
    for (int y = 0; y < digit.height * scale; ++y)
        for (int x = 0; x < digit.width * scale; ++x) {
            const float v =
                digit.pixels[size_t(y / scale) * size_t(digit.width) + size_t(x / scale)];
            page.pixels[size_t(oy + y) * size_t(w) + size_t(ox + x)] = paper * (1.0f - v);
        }
    return page;
}

TEST(Image, PreprocessCentresAndScalesAShiftedDigitOnPaper) {
    for (const char* name : {"digit-3.png", "digit-7.png", "digit-1.png"}) {
        const Image digit = image_read(sample(name));
        const Image page = paste_on_paper(digit, 100, 80, 37, 11, 2, 0.92f);
        const Tensor out = mnist_preprocess(page);
        ASSERT_EQ(out.shape(), (Shape{1, 1, 28, 28}));
        const Moments m = moments(out);
        EXPECT_NEAR(m.cx, 14.0, 0.5) << name;
        EXPECT_NEAR(m.cy, 14.0, 0.5) << name;
        EXPECT_LE(m.x1 - m.x0 + 1, 20) << name;
        EXPECT_LE(m.y1 - m.y0 + 1, 20) << name;
        EXPECT_EQ(std::max(m.x1 - m.x0, m.y1 - m.y0) + 1, 20) << name;
        EXPECT_GT(correlation(out, as_tensor(digit)), 0.9) << name;
    }
}

TEST(Image, PreprocessKeepsAnMnistDigitAlmostAsItIs) {
    for (int d = 0; d < 10; ++d) {
        const Image digit = image_read(sample("digit-" + std::to_string(d) + ".png"));
        const Tensor out = mnist_preprocess(digit);
        EXPECT_GT(correlation(out, as_tensor(digit)), 0.99) << d;
    }
}

TEST(Image, PreprocessInvertsTheSampleOnPaper) {
    const Tensor paper = image_to_input(image_read(sample("digit-7-paper.png")), {1, 1, 28, 28});
    const Tensor seven = as_tensor(image_read(sample("digit-7.png")));
    EXPECT_GT(correlation(paper, seven), 0.95);
    EXPECT_EQ(paper.at(0, 0, 0, 0), 0.0f);  // background black, as MNIST
}

TEST(Image, PreprocessOfAnEmptyPageIsAllZeros) {
    for (float level : {0.0f, 1.0f, 0.6f}) {
        Image blank;
        blank.width = 50, blank.height = 40, blank.channels = 1;
        blank.pixels.assign(50 * 40, level);
        const Tensor out = mnist_preprocess(blank);
        EXPECT_TENSORS_CLOSE(out, Tensor::zeros({1, 1, 28, 28}), 0.0f, 0.0f) << level;
    }
}

TEST(Image, ReadErrorsNameTheFile) {
    const auto dir = temp_dir("image_errors");
    const std::string missing = (dir / "missing.png").string();
    EXPECT_FILE_ERROR(image_read(missing), missing, "no such file");
    const std::string empty = (dir / "empty.png").string();
    testing::write_bytes(empty, "");
    EXPECT_FILE_ERROR(image_read(empty), empty, "empty");
    const std::string garbage = (dir / "garbage.png").string();
    testing::write_garbage(garbage);
    EXPECT_FILE_ERROR(image_read(garbage), garbage, "not a readable image");
    const std::string png = testing::read_text(sample("digit-3.png"));
    const std::string cut = (dir / "cut.png").string();
    testing::write_bytes(cut, png.substr(0, png.size() / 2));
    EXPECT_FILE_ERROR(image_read(cut), cut, "not a readable image");
    EXPECT_FILE_ERROR(image_read(dir.string()), dir.string(), "folder");
}

TEST(Image, PngWriteReadsBackExactly) {
    const auto dir = temp_dir("image_png");
    std::vector<uint8_t> rgb(7 * 5 * 3), gray(7 * 5);
    for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = uint8_t(i * 37 % 256);
    for (size_t i = 0; i < gray.size(); ++i) gray[i] = uint8_t(i * 7);
    png_write_rgb((dir / "rgb.png").string(), 7, 5, rgb);
    png_write_gray((dir / "gray.png").string(), 7, 5, gray);
    const Image a = image_read((dir / "rgb.png").string());
    ASSERT_EQ(a.channels, 3);
    ASSERT_EQ(a.width, 7);
    ASSERT_EQ(a.height, 5);
    for (size_t i = 0; i < rgb.size(); ++i) EXPECT_FLOAT_EQ(a.pixels[i], rgb[i] / 255.0f);
    const Image b = image_read((dir / "gray.png").string());
    ASSERT_EQ(b.channels, 1);
    for (size_t i = 0; i < gray.size(); ++i) EXPECT_FLOAT_EQ(b.pixels[i], gray[i] / 255.0f);

    const std::string bad = (dir / "none" / "x.png").string();
    EXPECT_FILE_ERROR(png_write_gray(bad, 7, 5, gray), bad, "cannot write");
    EXPECT_FALSE(std::filesystem::exists(dir / "none"));
}

TEST(Image, ResizeMatchesHandComputedBilinearAndArea) {
    Image img;  // one row [0, 1]: enlarged to 4 with half-pixel centres -> 0, .25, .75, 1
    img.width = 2, img.height = 1, img.channels = 1, img.pixels = {0.0f, 1.0f};
    const Tensor up = image_to_input(img, {1, 1, 1, 4});
    EXPECT_TENSORS_CLOSE(up, Tensor::from_vector({1, 1, 1, 4}, {0.0f, 0.25f, 0.75f, 1.0f}), 0.0f,
                         1e-6f);

    img.width = 4, img.pixels = {0.0f, 1.0f, 0.5f, 0.25f};  // shrunk to 2 by area: pair means
    const Tensor down = image_to_input(img, {1, 2, 1, 2});
    EXPECT_TENSORS_CLOSE(down, Tensor::from_vector({1, 2, 1, 2}, {0.5f, 0.375f, 0.5f, 0.375f}),
                         0.0f, 1e-6f);

    img.width = 3, img.pixels = {0.0f, 0.3f, 0.9f};  // shrunk to 2: spans of 1.5 pixels
    const Tensor frac = image_to_input(img, {1, 1, 1, 2});
    EXPECT_TENSORS_CLOSE(frac, Tensor::from_vector({1, 1, 1, 2}, {0.1f, 0.7f}), 0.0f, 1e-6f);
}

TEST(Image, ColourImagesBecomeLumaOrStayRgb) {
    Image img;
    img.width = 2, img.height = 2, img.channels = 3;
    img.pixels = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1};
    const Tensor grey = image_to_input(img, {1, 1, 2, 2});
    EXPECT_TENSORS_CLOSE(grey, Tensor::from_vector({1, 1, 2, 2}, {0.299f, 0.587f, 0.114f, 1.0f}),
                         0.0f, 1e-6f);
    const Tensor rgb = image_to_input(img, {1, 3, 2, 2});
    EXPECT_TENSORS_CLOSE(rgb.plane(0, 0), Tensor::from_vector({1, 1, 2, 2}, {1, 0, 0, 1}), 0.0f,
                         0.0f);
    EXPECT_TENSORS_CLOSE(rgb.plane(0, 2), Tensor::from_vector({1, 1, 2, 2}, {0, 0, 1, 1}), 0.0f,
                         0.0f);
    EXPECT_THROW(image_to_input(img, {1, 4, 2, 2}), Error);

    const Image digit = image_read(sample("digit-5.png"));  // grey copied into 3 channels
    const Tensor three = image_to_input(digit, {1, 3, 56, 56});
    const Tensor one = image_to_input(digit, {1, 1, 56, 56});
    for (int c = 0; c < 3; ++c) EXPECT_TENSORS_CLOSE(three.plane(0, c), one, 0.0f, 0.0f) << c;
}

TEST(Image, AlphaIsCompositedOverWhite) {
    const auto dir = temp_dir("image_alpha");
    testing::run_io_formats("png-alpha " + dir.string());  // black at alpha 255, 0, 128
    const std::vector<float> want = {0.0f, 1.0f, 1.0f - 128.0f / 255.0f};
    const Image grey = image_read((dir / "grey_alpha.png").string());
    ASSERT_EQ(grey.channels, 1);
    ASSERT_EQ(grey.pixels.size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(grey.pixels[i], want[i], 1e-6f) << i;
    const Image rgba = image_read((dir / "rgba.png").string());
    ASSERT_EQ(rgba.channels, 3);
    ASSERT_EQ(rgba.pixels.size(), 9u);
    for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(rgba.pixels[i], want[i / 3], 1e-6f) << i;
}

}  // namespace
}  // namespace cl
