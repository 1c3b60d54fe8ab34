// Feature-map grid (see feature_grid.h). One atlas texture, one textured quad per map; the
// layout picks the column count that makes the maps largest in the space given.
#include "app/widgets/feature_grid.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "app/ui.h"

namespace cl {

namespace {
struct Layout {
    int cols = 1, rows = 1;
    float scale = 1.0f;  // screen pixels per map pixel
    float gap = 0.0f;
};

// Largest scale at which n maps of mw x mh fit into w x h.
Layout fit(int n, int mw, int mh, float w, float h, float gap, float min_tile) {
    Layout best;
    best.gap = gap;
    best.scale = 0.0f;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const float sw = (w - gap * (cols - 1)) / (float(cols) * mw);
        const float sh = (h - gap * (rows - 1)) / (float(rows) * mh);
        const float s = std::min(sw, sh);
        if (s > best.scale) best = Layout{cols, rows, s, gap};
    }
    const float side = float(std::max(mw, mh));
    if (best.scale * side < min_tile) {  // too many maps to fit: fixed size, scroll down
        best.scale = min_tile / side;
        best.cols = std::max(1, int((w + gap) / (best.scale * mw + gap)));
        best.rows = (n + best.cols - 1) / best.cols;
    }
    // Whole screen pixels per map pixel keep magnified pixels equal; below 3 the loss of
    // space would cost more than the unevenness.
    if (best.scale >= 3.0f) best.scale = std::floor(best.scale);
    return best;
}

// Frames the marked units inside the tile at p0 (scale: screen pixels per map pixel).
// units: how many units a vector atlas holds (its map may have empty cells at the end).
void draw_marks(ImDrawList* dl, ImVec2 p0, const UnitMarks& m, int c, bool vector, int units,
                const AtlasGeometry& g, float scale) {
    const ImU32 colour = IM_COL32(0, 230, 255, 255);
    const float thick = std::max(1.0f, ui_scaled(2));
    // A dark edge around the cyan keeps small windows visible on light and blue maps alike.
    auto frame = [&](int x0, int y0, int x1, int y1) {
        const ImVec2 a(p0.x + x0 * scale - thick, p0.y + y0 * scale - thick);
        const ImVec2 b(p0.x + (x1 + 1) * scale + thick, p0.y + (y1 + 1) * scale + thick);
        dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), IM_COL32(0, 0, 0, 255),
                    0.0f, 0, 1.0f);
        dl->AddRect(ImVec2(a.x + thick * 0.5f, a.y + thick * 0.5f),
                    ImVec2(b.x - thick * 0.5f, b.y - thick * 0.5f), colour, 0.0f, 0, thick);
    };
    if (!vector) {
        if (c < m.c0 || c > m.c1) return;
        // the map is one of those read: a thin cyan edge; the window read: a thick frame
        dl->AddRect(ImVec2(p0.x - 1, p0.y - 1),
                    ImVec2(p0.x + g.map_w * scale + 1, p0.y + g.map_h * scale + 1), colour);
        frame(m.x0, m.y0, m.x1, m.y1);
        return;
    }
    if (m.c0 <= 0 && m.c1 >= units - 1) {  // the whole layer
        frame(0, 0, g.map_w - 1, g.map_h - 1);
        return;
    }
    for (int u = std::max(m.c0, 0); u <= std::min(m.c1, units - 1); ++u)
        frame(u % g.map_w, u / g.map_w, u % g.map_w, u / g.map_w);
}

void draw_pixel_grid(ImDrawList* dl, ImVec2 p0, int mw, int mh, float s) {
    const ImU32 colour = IM_COL32(0, 0, 0, 80);
    for (int x = 1; x < mw; ++x)
        dl->AddLine(ImVec2(p0.x + x * s, p0.y), ImVec2(p0.x + x * s, p0.y + mh * s), colour);
    for (int y = 1; y < mh; ++y)
        dl->AddLine(ImVec2(p0.x, p0.y + y * s), ImVec2(p0.x + mw * s, p0.y + y * s), colour);
}
}  // namespace

FeatureGridHover feature_grid(const char* id, const Atlas& atlas, const Tensor& maps, ImVec2 size,
                              const FeatureGridOptions& options) {
    FeatureGridHover hover;
    const AtlasGeometry& g = atlas.geometry;
    const bool single = options.enlarged >= 0 && options.enlarged < g.channels;
    const int n = single ? 1 : g.channels;
    const float min_tile = options.min_tile > 0 ? options.min_tile : ui_scaled(18);
    // Hundreds of small maps need thin gaps, or the gaps eat the space the maps need.
    const float gap = n <= 1   ? 0.0f
                      : n > 64 ? std::max(1.0f, ui_scaled(2))
                               : std::max(2.0f, ui_scaled(4));

    ImGui::BeginChild(id, size, false);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    Layout lay = fit(n, g.map_w, g.map_h, avail.x, avail.y, gap, min_tile);
    const float tw = g.map_w * lay.scale, th = g.map_h * lay.scale;
    const float grid_w = lay.cols * tw + (lay.cols - 1) * gap;
    const float grid_h = lay.rows * th + (lay.rows - 1) * gap;
    ImVec2 origin = ImGui::GetCursorScreenPos();
    origin.x += std::max(0.0f, std::floor((avail.x - grid_w) * 0.5f));
    ImGui::SetCursorScreenPos(origin);
    ImGui::InvisibleButton("grid", ImVec2(std::max(grid_w, 1.0f), std::max(grid_h, 1.0f)));
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImTextureID tex = ImTextureID(intptr_t(atlas.texture));
    const ImU32 border = ImGui::GetColorU32(ImGuiCol_Border);
    const bool grid_lines = options.pixel_grid && lay.scale >= 8.0f;
    const bool labels = !atlas.vector && n > 1 && n <= 64 && tw >= ui_scaled(56);
    for (int i = 0; i < n; ++i) {
        const int c = single ? options.enlarged : i;
        const ImVec2 p0(origin.x + (i % lay.cols) * (tw + gap),
                        origin.y + (i / lay.cols) * (th + gap));
        const ImVec2 p1(p0.x + tw, p0.y + th);
        if (!ImGui::IsRectVisible(p0, p1)) continue;
        const float u0 = float((c % g.cols) * g.map_w) / g.width();
        const float v0 = float((c / g.cols) * g.map_h) / g.height();
        const ImVec2 uv0(u0, v0),
            uv1(u0 + float(g.map_w) / g.width(), v0 + float(g.map_h) / g.height());
        dl->AddImage(tex, p0, p1, uv0, uv1);
        if (tw >= 12.0f)  // white maps on a light theme still need an edge
            dl->AddRect(ImVec2(p0.x - 1, p0.y - 1), ImVec2(p1.x + 1, p1.y + 1), border);
        if (grid_lines) draw_pixel_grid(dl, p0, g.map_w, g.map_h, lay.scale);
        if (labels) {
            char text[16];
            std::snprintf(text, sizeof text, "%d", c);
            const ImVec2 ts = ImGui::CalcTextSize(text);
            dl->AddRectFilled(p0, ImVec2(p0.x + ts.x + 6, p0.y + ts.y + 2), IM_COL32(0, 0, 0, 150));
            dl->AddText(ImVec2(p0.x + 3, p0.y + 1), IM_COL32(255, 255, 255, 230), text);
        }
        if (c == options.highlight)
            dl->AddRect(p0, p1, IM_COL32(255, 200, 0, 255), 0.0f, 0, ui_scaled(2));
        if (options.marks.c1 >= options.marks.c0)
            draw_marks(dl, p0, options.marks, c, atlas.vector, maps.shape().c, g, lay.scale);
    }

    if (hovered) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        const float lx = m.x - origin.x, ly = m.y - origin.y;
        const int col = int(lx / (tw + gap)), row = int(ly / (th + gap));
        const float fx = lx - col * (tw + gap), fy = ly - row * (th + gap);
        const int i = row * lay.cols + col;
        if (col < lay.cols && i < n && fx < tw && fy < th) {
            const int c = single ? options.enlarged : i;
            const int px = std::clamp(int(fx / lay.scale), 0, g.map_w - 1);
            const int py = std::clamp(int(fy / lay.scale), 0, g.map_h - 1);
            const ImVec2 p0(origin.x + col * (tw + gap), origin.y + row * (th + gap));
            if (atlas.vector) {
                const int unit = py * g.map_w + px;
                if (unit < maps.shape().c) {
                    hover.channel = unit;
                    hover.value = maps[unit];
                }
            } else {
                hover.channel = c;
                hover.x = px;
                hover.y = py;
                hover.value = maps.at(0, c, py, px);
                dl->AddRect(p0, ImVec2(p0.x + tw, p0.y + th), IM_COL32(255, 200, 0, 255), 0.0f, 0,
                            ui_scaled(2));
            }
            if (lay.scale >= 4.0f) {
                const ImVec2 q(p0.x + px * lay.scale, p0.y + py * lay.scale);
                dl->AddRect(q, ImVec2(q.x + lay.scale, q.y + lay.scale),
                            IM_COL32(255, 255, 255, 255));
            }
            if (clicked && !atlas.vector) hover.clicked = c;
        }
    }
    ImGui::EndChild();
    return hover;
}

}  // namespace cl
