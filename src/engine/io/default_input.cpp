// The built-in input for a model when the user has given none (see model_input.h): a shipped
// sample image that fits the model, else a pattern drawn here.
#include <stb_image.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "engine/io/model_input.h"
#include "engine/paths.h"

namespace cl {

namespace {
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
