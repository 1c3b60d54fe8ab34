// The drawing pad (see draw_pad.h). The screen shows the strokes as anti-aliased ImGui
// polylines; the network gets the same strokes stamped into a k_raster^2 grey image.
#include "app/widgets/draw_pad.h"

#include <algorithm>
#include <cmath>

namespace cl {

namespace {
// Distance from p to segment ab.
float segment_distance(ImVec2 p, ImVec2 a, ImVec2 b) {
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len2 = dx * dx + dy * dy;
    float u = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0f;
    u = std::clamp(u, 0.0f, 1.0f);
    return std::hypot(p.x - (a.x + u * dx), p.y - (a.y + u * dy));
}

ImU32 grey(float v) {
    const int g = int(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
    return IM_COL32(g, g, g, 255);
}
}  // namespace

DrawPad::DrawPad() {
    raster_.width = raster_.height = k_raster;
    raster_.channels = 1;
    raster_.pixels.assign(size_t(k_raster) * k_raster, 0.0f);
}

void DrawPad::clear() {
    strokes_.clear();
    placeholder_ = false;
    has_background_ = false;
    background_ = Tensor();
    drawing_ = false;
    rasterise_all();
}

bool DrawPad::undo() {
    if (strokes_.empty()) return false;
    strokes_.pop_back();
    drawing_ = false;
    rasterise_all();
    return true;
}

void DrawPad::set_background(const Tensor& digit, bool placeholder) {
    strokes_.clear();
    placeholder_ = placeholder;
    background_ = digit;
    has_background_ = true;
    drawing_ = false;
    rasterise_all();
}

void DrawPad::rasterise_all() {
    std::fill(raster_.pixels.begin(), raster_.pixels.end(), 0.0f);
    if (has_background_) {
        // bilinear upsampling of the background digit to the raster
        const Shape& s = background_.shape();
        for (int y = 0; y < k_raster; ++y)
            for (int x = 0; x < k_raster; ++x) {
                const float fy = std::clamp((y + 0.5f) * s.h / k_raster - 0.5f, 0.0f, s.h - 1.0f);
                const float fx = std::clamp((x + 0.5f) * s.w / k_raster - 0.5f, 0.0f, s.w - 1.0f);
                const int y0 = int(fy), x0 = int(fx);
                const int y1 = std::min(y0 + 1, s.h - 1), x1 = std::min(x0 + 1, s.w - 1);
                const float ty = fy - y0, tx = fx - x0;
                const float top =
                    background_.at(0, 0, y0, x0) * (1 - tx) + background_.at(0, 0, y0, x1) * tx;
                const float bottom =
                    background_.at(0, 0, y1, x0) * (1 - tx) + background_.at(0, 0, y1, x1) * tx;
                raster_.pixels[size_t(y) * k_raster + x] = top * (1 - ty) + bottom * ty;
            }
    }
    for (const Stroke& s : strokes_)
        for (size_t i = 0; i < s.points.size(); ++i)
            stamp_segment(s.points[i == 0 ? 0 : i - 1], s.points[i], s.radius, s.erase);
}

void DrawPad::stamp_segment(ImVec2 a, ImVec2 b, float radius, bool erase) {
    const float r = radius * k_raster;
    const ImVec2 pa(a.x * k_raster, a.y * k_raster), pb(b.x * k_raster, b.y * k_raster);
    const int x0 = std::max(0, int(std::floor(std::min(pa.x, pb.x) - r - 1)));
    const int x1 = std::min(k_raster - 1, int(std::ceil(std::max(pa.x, pb.x) + r + 1)));
    const int y0 = std::max(0, int(std::floor(std::min(pa.y, pb.y) - r - 1)));
    const int y1 = std::min(k_raster - 1, int(std::ceil(std::max(pa.y, pb.y) + r + 1)));
    // Soft brush: full ink inside 60% of the radius, fading smoothly to nothing at the edge.
    const float inner = 0.6f * r;
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            const float d = segment_distance(ImVec2(x + 0.5f, y + 0.5f), pa, pb);
            if (d >= r) continue;
            float t = d <= inner ? 1.0f : (r - d) / (r - inner);
            t = t * t * (3 - 2 * t);
            float& v = raster_.pixels[size_t(y) * k_raster + x];
            v = erase ? std::min(v, 1.0f - t) : std::max(v, t);
        }
}

bool DrawPad::draw(const char* id, float side, const DrawState& state) {
    origin_ = ImGui::GetCursorScreenPos();
    side_ = side;
    ImGui::InvisibleButton(id, ImVec2(side, side));
    const bool hovered = ImGui::IsItemHovered();
    bool changed = false;
    auto to_pad = [&](ImVec2 p) {
        return ImVec2(std::clamp((p.x - origin_.x) / side, 0.0f, 1.0f),
                      std::clamp((p.y - origin_.y) / side, 0.0f, 1.0f));
    };
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (ImGui::IsItemActivated()) {
        if (placeholder_) clear();
        strokes_.push_back(Stroke{{to_pad(mouse)}, state.brush, state.eraser});
        stamp_segment(strokes_.back().points[0], strokes_.back().points[0], state.brush,
                      state.eraser);
        drawing_ = changed = true;
    } else if (drawing_ && ImGui::IsItemActive()) {
        const ImVec2 p = to_pad(mouse);
        const ImVec2 last = strokes_.back().points.back();
        if (std::hypot((p.x - last.x) * k_raster, (p.y - last.y) * k_raster) >= 0.5f) {
            strokes_.back().points.push_back(p);
            stamp_segment(last, p, strokes_.back().radius, strokes_.back().erase);
            changed = true;
        }
    }
    if (!ImGui::IsItemActive()) drawing_ = false;

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 end(origin_.x + side, origin_.y + side);
    dl->AddRectFilled(origin_, end, IM_COL32(0, 0, 0, 255));
    dl->PushClipRect(origin_, end, true);
    if (has_background_) {
        const Shape& s = background_.shape();
        const float cw = side / s.w, ch = side / s.h;
        for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x) {
                const float v = background_.at(0, 0, y, x);
                if (v <= 0.0f) continue;
                const ImVec2 p(origin_.x + x * cw, origin_.y + y * ch);
                dl->AddRectFilled(p, ImVec2(p.x + cw + 0.5f, p.y + ch + 0.5f), grey(v));
            }
    }
    std::vector<ImVec2> pts;
    for (const Stroke& s : strokes_) {
        pts.clear();
        for (const ImVec2& p : s.points)
            pts.emplace_back(origin_.x + p.x * side, origin_.y + p.y * side);
        const float r = s.radius * side;
        // Layers from faint and wide to solid and narrow: the soft edge the network sees.
        const float widths[5] = {1.0f, 0.91f, 0.82f, 0.73f, 0.64f};
        const int alphas[5] = {35, 75, 125, 185, 255};
        for (int layer = 0; layer < 5; ++layer) {
            const ImU32 colour =
                s.erase ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, alphas[layer]);
            const float w = widths[layer] * r;
            if (pts.size() > 1)
                dl->AddPolyline(pts.data(), int(pts.size()), colour, ImDrawFlags_None, 2 * w);
            for (const ImVec2& p : {pts.front(), pts.back()})  // round caps
                dl->AddCircleFilled(p, w, colour, 24);
        }
    }
    if (hovered && !drawing_)  // the brush outline under the mouse
        dl->AddCircle(mouse, state.brush * side,
                      state.eraser ? IM_COL32(255, 120, 80, 220) : IM_COL32(120, 200, 255, 220), 32,
                      1.5f);
    dl->PopClipRect();
    dl->AddRect(origin_, end, IM_COL32(128, 128, 128, 255));
    return changed;
}

}  // namespace cl
