// CPU rendering of feature-map grids (the GUI does the same on the GPU with shaders/).
#include "engine/render.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace cl {

namespace {
const uint8_t k_background = 40;  // dark grey between tiles
}

Colormap colormap_for(const Tensor& maps, bool is_input) {
    if (is_input) return Colormap::Gray;
    return value_range(maps).lo < 0 ? Colormap::Diverging : Colormap::Viridis;
}

ValueRange value_range(const Tensor& maps) {
    ValueRange r;
    if (maps.numel() == 0) return r;
    r.lo = r.hi = maps[0];
    for (int64_t i = 1; i < maps.numel(); ++i) {
        r.lo = std::min(r.lo, maps[i]);
        r.hi = std::max(r.hi, maps[i]);
    }
    return r;
}

ValueRange display_range(const Tensor& maps, Colormap map) {
    ValueRange r = value_range(maps);
    if (map == Colormap::Diverging) {
        const float m = std::max(std::fabs(r.lo), std::fabs(r.hi));
        return {-m, m};
    }
    if (map == Colormap::Gray) return {std::min(0.0f, r.lo), std::max(1.0f, r.hi)};
    return r;
}

int scale_for(int size, int target) {
    return std::max(1, (target + size - 1) / std::max(1, size));
}

RgbImage render_grid(const Tensor& maps, Colormap map, ValueRange range, int scale, int gap) {
    const Shape& s = maps.shape();
    CL_ASSERT(scale >= 1 && gap >= 0);
    const int channels = s.c;
    const int cols = int(std::ceil(std::sqrt(double(channels))));
    const int rows = (channels + cols - 1) / cols;
    const int tile_w = s.w * scale, tile_h = s.h * scale;
    RgbImage img;
    img.width = cols * tile_w + (cols + 1) * gap;
    img.height = rows * tile_h + (rows + 1) * gap;
    img.rgb.assign(size_t(img.width) * img.height * 3, k_background);
    const float span = range.hi - range.lo;
    for (int c = 0; c < channels; ++c) {
        const int x0 = gap + (c % cols) * (tile_w + gap);
        const int y0 = gap + (c / cols) * (tile_h + gap);
        for (int y = 0; y < s.h; ++y) {
            for (int x = 0; x < s.w; ++x) {
                const float v = maps.at(0, c, y, x);
                const float t = span > 0 ? (v - range.lo) / span : 0.5f;
                const auto colour = colormap_rgb(map, std::clamp(t, 0.0f, 1.0f));
                for (int dy = 0; dy < scale; ++dy) {
                    uint8_t* row =
                        &img.rgb[(size_t(y0 + y * scale + dy) * img.width + x0 + x * scale) * 3];
                    for (int dx = 0; dx < scale; ++dx)
                        std::copy(colour.begin(), colour.end(), row + dx * 3);
                }
            }
        }
    }
    return img;
}

RgbImage render_colorbar(Colormap map, int width, int height) {
    RgbImage img;
    img.width = width;
    img.height = height;
    img.rgb.resize(size_t(width) * height * 3);
    for (int x = 0; x < width; ++x) {
        const auto colour = colormap_rgb(map, width > 1 ? float(x) / float(width - 1) : 0.5f);
        for (int y = 0; y < height; ++y)
            std::copy(colour.begin(), colour.end(), &img.rgb[(size_t(y) * width + x) * 3]);
    }
    return img;
}

RgbImage stack_vertically(const RgbImage& a, const RgbImage& b, int gap) {
    RgbImage img;
    img.width = std::max(a.width, b.width);
    img.height = a.height + gap + b.height;
    img.rgb.assign(size_t(img.width) * img.height * 3, k_background);
    auto blit = [&](const RgbImage& src, int y0) {
        for (int y = 0; y < src.height; ++y)
            std::copy_n(&src.rgb[size_t(y) * src.width * 3], size_t(src.width) * 3,
                        &img.rgb[size_t(y0 + y) * img.width * 3]);
    };
    blit(a, 0);
    blit(b, a.height + gap);
    return img;
}

}  // namespace cl
