// Images in and out through Debian's libstb (its compiled stb_image / stb_image_write), and the
// conversion of an image into a model input, including LeCun's MNIST normalisation.
#include "engine/io/image.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>

#include "engine/error.h"
#include "engine/io/atomic_file.h"
#include "engine/io/limits.h"

namespace cl {

namespace {

constexpr int k_mnist_side = 28;
constexpr int k_mnist_box = 20;         // the digit's longer side after scaling (LeCun)
constexpr float k_ink_epsilon = 0.05f;  // below this (after background removal) is paper

// One output sample of a 1-D resampling: sum of weight * source[index].
struct Tap {
    int index;
    float weight;
};

// Area averaging when shrinking (each output pixel averages the source span it covers, so thin
// strokes are not lost); bilinear with half-pixel centres when enlarging (as PyTorch's
// interpolate(align_corners=False)).
std::vector<std::vector<Tap>> resample_taps(int in, int out) {
    std::vector<std::vector<Tap>> taps(static_cast<size_t>(out));
    const double scale = double(in) / double(out);
    for (int j = 0; j < out; ++j) {
        std::vector<Tap>& t = taps[size_t(j)];
        if (out <= in) {
            const double lo = j * scale, hi = (j + 1) * scale;
            for (int i = int(std::floor(lo)); i < int(std::ceil(hi)) && i < in; ++i) {
                const double overlap = std::min(hi, double(i + 1)) - std::max(lo, double(i));
                if (overlap > 1e-9) t.push_back({i, float(overlap / scale)});
            }
        } else {
            const double x = std::clamp((j + 0.5) * scale - 0.5, 0.0, double(in - 1));
            const int i0 = int(std::floor(x));
            const int i1 = std::min(i0 + 1, in - 1);
            const float f = float(x - i0);
            t.push_back({i0, 1.0f - f});
            if (f > 0.0f) t.push_back({i1, f});
        }
    }
    return taps;
}

// Resizes one row-major plane (w x h) to (ow x oh), columns first, then rows.
std::vector<float> resize_plane(const std::vector<float>& src, int w, int h, int ow, int oh) {
    if (w == ow && h == oh) return src;
    const auto tx = resample_taps(w, ow);
    const auto ty = resample_taps(h, oh);
    std::vector<float> rows(size_t(ow) * size_t(h), 0.0f);  // [h, ow]
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < ow; ++x) {
            float v = 0.0f;
            for (const Tap& t : tx[size_t(x)])
                v += t.weight * src[size_t(y) * size_t(w) + size_t(t.index)];
            rows[size_t(y) * size_t(ow) + size_t(x)] = v;
        }
    std::vector<float> out(size_t(ow) * size_t(oh), 0.0f);  // [oh, ow]
    for (int y = 0; y < oh; ++y)
        for (const Tap& t : ty[size_t(y)])
            for (int x = 0; x < ow; ++x)
                out[size_t(y) * size_t(ow) + size_t(x)] +=
                    t.weight * rows[size_t(t.index) * size_t(ow) + size_t(x)];
    return out;
}

// ITU-R BT.601 luma, the usual RGB -> grey.
std::vector<float> to_grey(const Image& image) {
    const size_t count = size_t(image.width) * size_t(image.height);
    if (image.channels == 1) return image.pixels;
    CL_ASSERT(image.channels == 3);
    std::vector<float> grey(count);
    for (size_t i = 0; i < count; ++i)
        grey[i] = 0.299f * image.pixels[3 * i] + 0.587f * image.pixels[3 * i + 1] +
                  0.114f * image.pixels[3 * i + 2];
    return grey;
}

std::vector<float> channel(const Image& image, int c) {
    const size_t count = size_t(image.width) * size_t(image.height);
    std::vector<float> out(count);
    for (size_t i = 0; i < count; ++i)
        out[i] = image.pixels[i * size_t(image.channels) + size_t(c)];
    return out;
}

void check_image(const Image& image) {
    CL_ASSERT(image.width > 0 && image.height > 0);
    CL_ASSERT(image.channels == 1 || image.channels == 3);
    CL_ASSERT(image.pixels.size() ==
              size_t(image.width) * size_t(image.height) * size_t(image.channels));
}

// A PNG's width and height from its IHDR chunk; false when `bytes` does not start like a PNG.
bool png_header_size(const std::string& bytes, int* width, int* height) {
    if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
        bytes.compare(12, 4, "IHDR") != 0)
        return false;
    auto be32 = [&](size_t at) {
        return uint32_t(uint8_t(bytes[at])) << 24 | uint32_t(uint8_t(bytes[at + 1])) << 16 |
               uint32_t(uint8_t(bytes[at + 2])) << 8 | uint32_t(uint8_t(bytes[at + 3]));
    };
    const uint32_t w = be32(16), h = be32(20);
    if (w > uint32_t(INT_MAX) || h > uint32_t(INT_MAX)) return false;
    *width = int(w);
    *height = int(h);
    return true;
}

void append_bytes(void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
}

void png_write(const std::string& path, int width, int height, int channels,
               const uint8_t* pixels) {
    if (width <= 0 || height <= 0)
        throw Error(path + ": cannot write an empty " + std::to_string(width) + "x" +
                    std::to_string(height) + " image");
    std::string png;
    if (!stbi_write_png_to_func(append_bytes, &png, width, height, channels, pixels,
                                width * channels))
        throw Error(path + ": PNG encoding failed");
    write_file_atomic(path, png);
}

}  // namespace

Image image_read(const std::string& path) {
    const std::string bytes = read_file_bytes(path);
    if (bytes.empty()) throw Error(path + ": the file is empty");
    if (bytes.size() > size_t(INT_MAX)) throw Error(path + ": too large for an image file");
    int w = 0, h = 0, n = 0;
    // The size from the header first: a 50,000 x 50,000 PNG of a few hundred bytes would
    // otherwise be decoded into gigabytes. (stb's own check refuses some such PNG headers
    // without saying the size, which the PNG header then tells.)
    const std::string limits = "; ConvLens opens images up to " + std::to_string(k_max_image_side) +
                               " pixels a side and " + std::to_string(k_max_image_pixels >> 20) +
                               " M pixels in all";
    const bool known = stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                                             int(bytes.size()), &w, &h, &n) != 0;
    if (known &&
        (w > k_max_image_side || h > k_max_image_side || int64_t(w) * h > k_max_image_pixels))
        throw Error(path + ": the image is " + std::to_string(w) + "x" + std::to_string(h) +
                    " pixels" + limits);
    if (!known && png_header_size(bytes, &w, &h))
        throw Error(path + ": the image is " + std::to_string(w) + "x" + std::to_string(h) +
                    " pixels" + limits);
    std::unique_ptr<stbi_uc, void (*)(void*)> data(
        stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()), &w,
                              &h, &n, 0),
        stbi_image_free);
    if (!data)
        throw Error(path + ": not a readable image (PNG, JPEG or BMP): " + stbi_failure_reason());

    // Transparent pixels are composited over WHITE, as a browser or image viewer shows them: a
    // dark drawing on a transparent background then reads as dark-on-light paper (and
    // mnist_preprocess inverts it), which is what the person saw when they made it.
    Image image;
    image.width = w;
    image.height = h;
    image.channels = n <= 2 ? 1 : 3;
    const size_t count = size_t(w) * size_t(h);
    image.pixels.resize(count * size_t(image.channels));
    const bool alpha = n == 2 || n == 4;
    for (size_t i = 0; i < count; ++i) {
        const stbi_uc* px = data.get() + i * size_t(n);
        const float a = alpha ? px[n - 1] / 255.0f : 1.0f;
        for (int c = 0; c < image.channels; ++c)
            image.pixels[i * size_t(image.channels) + size_t(c)] = px[c] / 255.0f * a + (1.0f - a);
    }
    return image;
}

Tensor mnist_preprocess(const Image& image) {
    check_image(image);
    const int w = image.width, h = image.height;
    std::vector<float> v = to_grey(image);
    Tensor out = Tensor::zeros({1, 1, k_mnist_side, k_mnist_side});

    // Polarity and paper level from the border: MNIST is white ink on black.
    double border = 0.0;
    int border_count = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
                border += v[size_t(y) * size_t(w) + size_t(x)];
                ++border_count;
            }
    border /= border_count;
    const bool invert = border > 0.5;
    if (invert)
        for (float& p : v) p = 1.0f - p;
    const float paper = float(invert ? 1.0 - border : border);
    const float peak = *std::max_element(v.begin(), v.end());
    if (peak - paper < k_ink_epsilon) return out;  // a blank page

    // Paper -> 0 and the strongest ink -> 1, so grey paper or a soft pencil look like MNIST.
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            float& p = v[size_t(y) * size_t(w) + size_t(x)];
            p = std::clamp((p - paper) / (peak - paper), 0.0f, 1.0f);
            if (p < k_ink_epsilon) {
                p = 0.0f;
                continue;
            }
            x0 = std::min(x0, x);
            x1 = std::max(x1, x);
            y0 = std::min(y0, y);
            y1 = std::max(y1, y);
        }
    if (x1 < 0) return out;

    // The ink's bounding box, scaled so its longer side is 20 pixels, aspect kept.
    const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    std::vector<float> box(size_t(bw) * size_t(bh));  // [bh, bw]
    for (int y = 0; y < bh; ++y)
        for (int x = 0; x < bw; ++x)
            box[size_t(y) * size_t(bw) + size_t(x)] =
                v[size_t(y0 + y) * size_t(w) + size_t(x0 + x)];
    const double s = double(k_mnist_box) / double(std::max(bw, bh));
    const int nw = std::max(1, int(std::lround(bw * s)));
    const int nh = std::max(1, int(std::lround(bh * s)));
    const std::vector<float> digit = resize_plane(box, bw, bh, nw, nh);  // [nh, nw]

    // Placed so that its centre of mass lands on pixel (14, 14), rounded to whole pixels.
    double mass = 0.0, mx = 0.0, my = 0.0;
    for (int y = 0; y < nh; ++y)
        for (int x = 0; x < nw; ++x) {
            const double p = digit[size_t(y) * size_t(nw) + size_t(x)];
            mass += p;
            mx += p * x;
            my += p * y;
        }
    if (mass <= 0.0) return out;
    const int ox = int(std::lround(k_mnist_side / 2 - mx / mass));
    const int oy = int(std::lround(k_mnist_side / 2 - my / mass));
    for (int y = 0; y < nh; ++y)
        for (int x = 0; x < nw; ++x) {
            const int tx = ox + x, ty = oy + y;
            if (tx < 0 || ty < 0 || tx >= k_mnist_side || ty >= k_mnist_side) continue;
            out.at(0, 0, ty, tx) =
                std::clamp(digit[size_t(y) * size_t(nw) + size_t(x)], 0.0f, 1.0f);
        }
    return out;
}

Tensor image_to_input(const Image& image, Shape input_shape) {
    check_image(image);
    const Shape& s = input_shape;
    if (s.c == 1 && s.h == k_mnist_side && s.w == k_mnist_side) return mnist_preprocess(image);
    if (image.channels == 3 && s.c != 1 && s.c != 3)
        throw Error("the model expects " + std::to_string(s.c) +
                    " input channels; a colour image gives 1 (grey) or 3 (RGB)");
    Tensor t = Tensor::zeros({1, s.c, s.h, s.w});  // [1,C,H,W]
    for (int c = 0; c < s.c; ++c) {
        // Grey is copied into every channel; RGB goes to 3 channels or, for 1, to its luma.
        const std::vector<float> src = image.channels == 1 ? image.pixels
                                       : s.c == 1          ? to_grey(image)
                                                           : channel(image, c);
        const std::vector<float> plane = resize_plane(src, image.width, image.height, s.w, s.h);
        std::copy(plane.begin(), plane.end(), t.plane(0, c).data());
    }
    return t;
}

void png_write_rgb(const std::string& path, int width, int height,
                   const std::vector<uint8_t>& rgb) {
    CL_ASSERT(rgb.size() == size_t(std::max(width, 0)) * size_t(std::max(height, 0)) * 3);
    png_write(path, width, height, 3, rgb.data());
}

void png_write_gray(const std::string& path, int width, int height,
                    const std::vector<uint8_t>& gray) {
    CL_ASSERT(gray.size() == size_t(std::max(width, 0)) * size_t(std::max(height, 0)));
    png_write(path, width, height, 1, gray.data());
}

}  // namespace cl
