// Mini-map and cumulative bars of the Walkthrough (see minimap.h).
#include "app/widgets/minimap.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/ui.h"
#include "engine/summary.h"

namespace cl {

ImU32 layer_colour(OpKind kind) {
    switch (kind) {
        case OpKind::Input:
            return IM_COL32(150, 150, 150, 255);
        case OpKind::Conv2d:
            return IM_COL32(66, 133, 214, 255);
        case OpKind::MaxPool2d:
        case OpKind::AvgPool2d:
        case OpKind::GlobalAvgPool:
            return IM_COL32(232, 145, 45, 255);
        case OpKind::Linear:
            return IM_COL32(60, 170, 90, 255);
        case OpKind::Concat:
        case OpKind::Add:
        case OpKind::ShortcutPad:
            return IM_COL32(170, 95, 200, 255);
        default:
            return IM_COL32(125, 135, 150, 255);
    }
}

const char* layer_family(OpKind kind) {
    switch (kind) {
        case OpKind::Input:
            return "input";
        case OpKind::Conv2d:
            return "convolution";
        case OpKind::MaxPool2d:
        case OpKind::AvgPool2d:
        case OpKind::GlobalAvgPool:
            return "pooling";
        case OpKind::Linear:
            return "fully connected";
        case OpKind::Concat:
        case OpKind::Add:
        case OpKind::ShortcutPad:
            return "merge";
        default:
            return "element-wise";
    }
}

int minimap(const char* id, const std::vector<MinimapItem>& items, int current, ImVec2 size) {
    if (items.empty()) return -1;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, size);
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y),
                      ImGui::GetColorU32(ImGuiCol_FrameBg), ui_scaled(3));
    double lo = 1e300, hi = 0;
    for (const MinimapItem& it : items) {
        const double v = std::log(double(std::max<int64_t>(it.size, 1)));
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    const float marker_h = ui_scaled(6);
    const float pad = ui_scaled(3);
    const float slot = (size.x - 2 * pad) / float(items.size());
    const float gap = slot >= ui_scaled(5) ? std::max(1.0f, slot * 0.2f) : 0.0f;
    const float bar_area = size.y - 2 * pad - marker_h;
    const float mouse_x = ImGui::GetIO().MousePos.x;
    int under_mouse = -1;
    for (size_t i = 0; i < items.size(); ++i) {
        const double v = std::log(double(std::max<int64_t>(items[i].size, 1)));
        const float t = hi > lo ? float((v - lo) / (hi - lo)) : 1.0f;
        const float h = bar_area * (0.15f + 0.85f * t);
        const float x0 = p0.x + pad + slot * float(i), x1 = x0 + std::max(1.0f, slot - gap);
        const float y1 = p0.y + pad + bar_area;
        const bool is_current = int(i) == current;
        ImU32 colour = layer_colour(items[i].kind);
        if (!is_current && current >= 0) colour = (colour & 0x00FFFFFF) | 0xB0000000;
        dl->AddRectFilled(ImVec2(x0, y1 - h), ImVec2(x1, y1), colour);
        if (hovered && mouse_x >= x0 - gap * 0.5f && mouse_x < x1 + gap * 0.5f)
            under_mouse = int(i);
    }
    if (current >= 0 && current < int(items.size())) {
        // A frame around the current bar and a triangle under it, both in the text colour.
        const float x0 = p0.x + pad + slot * float(current);
        const float x1 = x0 + std::max(1.0f, slot - gap);
        const float cx = 0.5f * (x0 + x1), y1 = p0.y + pad + bar_area;
        const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
        dl->AddRect(ImVec2(x0 - 2, p0.y + pad - 1), ImVec2(x1 + 2, y1 + 1), text, 0, 0,
                    ui_scaled(2));
        dl->AddTriangleFilled(ImVec2(cx, y1 + 2), ImVec2(cx - marker_h, y1 + marker_h + 2),
                              ImVec2(cx + marker_h, y1 + marker_h + 2), text);
    }
    if (under_mouse >= 0) {
        const MinimapItem& it = items[size_t(under_mouse)];
        ImGui::SetTooltip("%s (%s)\n%s", it.name.c_str(), layer_family(it.kind),
                          it.tooltip.c_str());
    }
    return clicked ? under_mouse : -1;
}

void cumulative_bar(const char* label, int64_t so_far, int64_t own, int64_t total, float width,
                    ImU32 colour) {
    const double frac = total > 0 ? double(so_far) / double(total) : 0.0;
    const double own_frac = total > 0 ? double(own) / double(total) : 0.0;
    // "(0.0%)" after a non-zero count reads as a mistake on a projector.
    char share[16];
    if (frac > 0.0 && frac < 0.0005)
        std::snprintf(share, sizeof share, "< 0.1%%");
    else
        std::snprintf(share, sizeof share, "%.1f%%", 100 * frac);
    char text[200];
    std::snprintf(text, sizeof text, "%s so far: %s of %s (%s)", label,
                  format_thousands(so_far).c_str(), format_thousands(total).c_str(), share);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight() + ui_scaled(4);
    ImGui::InvisibleButton(label, ImVec2(width, h));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, ImVec2(p0.x + width, p0.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg),
                      ui_scaled(3));
    const float x_done = p0.x + width * float(std::min(1.0, frac));
    const float x_before = p0.x + width * float(std::max(0.0, std::min(1.0, frac - own_frac)));
    dl->AddRectFilled(p0, ImVec2(x_before, p0.y + h), (colour & 0x00FFFFFF) | 0x90000000,
                      ui_scaled(3));
    dl->AddRectFilled(ImVec2(x_before, p0.y), ImVec2(x_done, p0.y + h), colour);
    // A halo in the bar's background colour keeps the text readable over the coloured fill.
    const ImVec2 at(p0.x + ui_scaled(6), p0.y + ui_scaled(2));
    const ImU32 halo = (ImGui::GetColorU32(ImGuiCol_FrameBg) & 0x00FFFFFF) | 0xB0000000;
    for (const ImVec2 d : {ImVec2(-1, 0), ImVec2(1, 0), ImVec2(0, -1), ImVec2(0, 1)})
        dl->AddText(ImVec2(at.x + d.x, at.y + d.y), halo, text);
    dl->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), text);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s of this layer alone: %s", label, format_thousands(own).c_str());
}

}  // namespace cl
