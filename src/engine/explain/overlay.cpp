// Attribution maps blended over their input (see overlay.h).
#include "engine/explain/overlay.h"

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace cl {

namespace {

// Bilinear sample of a [1,1,h,w] map at image pixel (py, px) of a ph x pw picture.
float sample(const Tensor& map, float py, float px, int ph, int pw) {
    const Shape s = map.shape();
    const float v = std::clamp((py + 0.5f) * float(s.h) / float(ph) - 0.5f, 0.0f, float(s.h - 1));
    const float u = std::clamp((px + 0.5f) * float(s.w) / float(pw) - 0.5f, 0.0f, float(s.w - 1));
    const int y0 = int(v), x0 = int(u);
    const int y1 = std::min(y0 + 1, s.h - 1), x1 = std::min(x0 + 1, s.w - 1);
    const float fy = v - float(y0), fx = u - float(x0);
    const float top = map.at(0, 0, y0, x0) * (1 - fx) + map.at(0, 0, y0, x1) * fx;
    const float bottom = map.at(0, 0, y1, x0) * (1 - fx) + map.at(0, 0, y1, x1) * fx;
    return top * (1 - fy) + bottom * fy;
}

}  // namespace

Tensor sum_channels(const Tensor& map) {
    const Shape s = map.shape();
    Tensor out = Tensor::zeros({1, 1, s.h, s.w});
    for (int c = 0; c < s.c; ++c)
        for (int i = 0; i < s.h * s.w; ++i) out[i] += map[int64_t(c) * s.h * s.w + i];
    return out;
}

RgbImage render_overlay(const Tensor& input, const Tensor& map, Colormap colormap, ValueRange range,
                        int scale, float opacity) {
    CL_ASSERT(scale >= 1 && !input.empty() && !map.empty() && map.shape().c == 1);
    const Shape s = input.shape();
    ValueRange in_range = value_range(input);
    if (in_range.lo >= 0 && in_range.hi <= 1) in_range = {0, 1};
    const float in_span = in_range.hi > in_range.lo ? in_range.hi - in_range.lo : 1.0f;
    const float span = range.hi - range.lo;
    RgbImage img;
    img.width = s.w * scale;
    img.height = s.h * scale;
    img.rgb.assign(size_t(img.width) * size_t(img.height) * 3, 0);
    for (int py = 0; py < img.height; ++py)
        for (int px = 0; px < img.width; ++px) {
            const int y = py / scale, x = px / scale;
            float base[3];
            for (int k = 0; k < 3; ++k) {
                float v = 0;
                if (s.c == 3) {
                    v = input.at(0, k, y, x);
                } else {
                    for (int c = 0; c < s.c; ++c) v += input.at(0, c, y, x);
                    v /= float(s.c);
                }
                base[k] = std::clamp((v - in_range.lo) / in_span, 0.0f, 1.0f);
            }
            const float value = sample(map, float(py), float(px), img.height, img.width);
            const float t = std::clamp(span > 0 ? (value - range.lo) / span : 0.5f, 0.0f, 1.0f);
            const auto colour = colormap_rgb(colormap, t);
            const float a =
                colormap == Colormap::Diverging ? opacity * std::fabs(2.0f * t - 1.0f) : opacity;
            uint8_t* dst = &img.rgb[(size_t(py) * size_t(img.width) + size_t(px)) * 3];
            for (int k = 0; k < 3; ++k)
                dst[k] = uint8_t(std::lround(255.0f * (1 - a) * base[k] + a * float(colour[k])));
        }
    return img;
}

}  // namespace cl
