// Model inputs for the GUI (see input_source.h).
#include "app/input_source.h"

#include <stb_image.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "engine/error.h"
#include "engine/io/image.h"
#include "engine/paths.h"

namespace cl {

namespace {
const int k_max_side = 2048;                      // larger images are box-downscaled first
const int64_t k_max_pixels = int64_t(150) << 20;  // refused beyond this (memory)

std::string file_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

bool is_npy(const std::string& path) {
    return path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
}

// Averages s x s blocks of an 8-bit image into a float Image in [0,1].
Image box_downscale(const unsigned char* px, int w, int h, int channels, int s) {
    Image img;
    img.width = w / s;
    img.height = h / s;
    img.channels = channels;
    img.pixels.assign(size_t(img.width) * img.height * channels, 0.0f);
    const float norm = 1.0f / (255.0f * float(s) * float(s));
    for (int y = 0; y < img.height * s; ++y)
        for (int x = 0; x < img.width * s; ++x)
            for (int c = 0; c < channels; ++c)
                img.pixels[(size_t(y / s) * img.width + x / s) * channels + c] +=
                    float(px[(size_t(y) * w + x) * channels + c]) * norm;
    return img;
}

// Grey 28x28 "7" drawn with two thick strokes, for when no sample digits are installed.
Tensor drawn_digit() {
    Tensor t = Tensor::zeros({1, 1, 28, 28});
    auto stroke = [&](float x0, float y0, float x1, float y1) {
        for (int y = 0; y < 28; ++y) {
            for (int x = 0; x < 28; ++x) {
                const float dx = x1 - x0, dy = y1 - y0;
                float u = ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy);
                u = std::clamp(u, 0.0f, 1.0f);
                const float d = std::hypot(x - (x0 + u * dx), y - (y0 + u * dy));
                const float v = std::clamp(2.2f - d, 0.0f, 1.0f);
                t.at(0, 0, y, x) = std::max(t.at(0, 0, y, x), v);
            }
        }
    };
    stroke(7, 7, 20, 7);
    stroke(20, 7, 12, 22);
    return t;
}

// Sky, ground, a red disc, a checkerboard and stripes: edges and colours for RGB models.
Tensor drawn_scene(Shape shape) {
    Tensor t = Tensor::zeros({1, shape.c, shape.h, shape.w});
    for (int y = 0; y < shape.h; ++y) {
        for (int x = 0; x < shape.w; ++x) {
            const float u = float(x) / shape.w, v = float(y) / shape.h;
            float r = 0.35f + 0.3f * v, g = 0.55f + 0.2f * v, b = 0.9f - 0.5f * v;
            if (v > 0.7f) r = 0.25f, g = 0.55f, b = 0.2f;
            if (std::hypot(u - 0.3f, v - 0.4f) < 0.16f) r = 0.9f, g = 0.15f, b = 0.1f;
            if (u > 0.58f && u < 0.88f && v > 0.2f && v < 0.5f)
                r = g = b = ((int(u * 40) + int(v * 40)) % 2) ? 0.95f : 0.05f;
            if (v > 0.75f && u > 0.55f && (int((u + v) * 30) % 2)) r = g = b = 0.9f;
            const float rgb[3] = {r, g, b};
            for (int c = 0; c < shape.c; ++c) t.at(0, c, y, x) = shape.c == 3 ? rgb[c] : g;
        }
    }
    return t;
}
}  // namespace

std::vector<std::string> sample_files() {
    std::vector<std::string> files;
    const std::filesystem::path dir = std::filesystem::path(assets_dir()) / "samples";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string ext = e.path().extension().string();
        if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp")
            files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

ModelInput input_from_file(const std::string& path, Shape input_shape) {
    ModelInput in;
    in.label = file_name(path);
    if (is_npy(path)) {
        in.tensor = load_input(path, input_shape);
        return in;
    }
    int w = 0, h = 0, n = 0;
    if (!stbi_info(path.c_str(), &w, &h, &n)) return {load_input(path, input_shape), in.label, ""};
    if (int64_t(w) * h > k_max_pixels)
        throw Error(path + ": " + std::to_string(w) + "x" + std::to_string(h) +
                    " pixels is too large to open");
    if (std::max(w, h) <= k_max_side) {
        in.tensor = load_input(path, input_shape);
    } else {
        const int channels = n >= 3 ? 3 : 1;
        unsigned char* px = stbi_load(path.c_str(), &w, &h, &n, channels);
        if (!px) throw Error(path + ": cannot read image (" + stbi_failure_reason() + ")");
        const int s = (std::max(w, h) + k_max_side - 1) / k_max_side;
        Image img = box_downscale(px, w, h, channels, s);
        stbi_image_free(px);
        in.tensor = image_to_input(img, input_shape);
        in.notice = in.label + ": " + std::to_string(w) + "x" + std::to_string(h) +
                    " downscaled to " + std::to_string(img.width) + "x" +
                    std::to_string(img.height) + " before use";
    }
    return in;
}

ModelInput default_input(Shape input_shape) {
    const bool digit_model = input_shape.h <= 32 && input_shape.w <= 32;
    for (const std::string& path : sample_files()) {
        int w = 0, h = 0, n = 0;
        if (!stbi_info(path.c_str(), &w, &h, &n)) continue;
        const bool fits = digit_model ? w <= 64 : w > 64 && n >= std::min(3, input_shape.c);
        if (fits) {
            ModelInput in = input_from_file(path, input_shape);
            in.label = "sample " + in.label;
            return in;
        }
    }
    ModelInput in;
    if (digit_model && input_shape.c == 1) {
        in.tensor =
            input_shape.h == 28 && input_shape.w == 28 ? drawn_digit() : drawn_scene(input_shape);
        in.label = "a drawn 7";
    } else {
        in.tensor = drawn_scene(input_shape);
        in.label = "a drawn test scene";
    }
    return in;
}

}  // namespace cl
