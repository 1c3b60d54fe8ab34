// Bar-chart widgets (see chart_bars.h).
#include "app/widgets/chart_bars.h"

#include <algorithm>
#include <cmath>

#include "app/ui.h"

namespace cl {

ImU32 chart_series_colour(int series, float alpha) {
    static const ImVec4 k_colours[] = {{0.00f, 0.45f, 0.70f, 1},
                                       {0.90f, 0.62f, 0.00f, 1},
                                       {0.00f, 0.62f, 0.45f, 1},
                                       {0.80f, 0.47f, 0.65f, 1}};
    ImVec4 c = k_colours[size_t(series) % 4];
    c.w = alpha;
    return ImGui::ColorConvertFloat4ToU32(c);
}

void bar_value(const char* text, float fraction, ImU32 colour) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = ImGui::GetTextLineHeight();
    const float f = std::clamp(fraction, 0.0f, 1.0f);
    if (f > 0)
        ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + std::max(2.0f, w * f), p.y + h),
                                                  colour);
    ImGui::TextUnformatted(text);
}

int chart_profile(const char* id, const std::vector<double>& values, ImVec2 size, ImU32 colour,
                  int highlight) {
    ImGui::PushID(id);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##profile", ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)));
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    dl->AddRectFilled(p0, p1, ImGui::GetColorU32(ImGuiCol_FrameBg));
    const int n = int(values.size());
    if (n == 0) return -1;
    const double top = std::max(1e-30, *std::max_element(values.begin(), values.end()));
    const float pad = 2.0f;
    const float slot = (size.x - 2 * pad) / float(n);
    const float gap = slot >= 4.0f ? 1.0f : 0.0f;
    const float base = p1.y - pad, height = size.y - 2 * pad;
    int under = -1;
    const float mx = ImGui::GetIO().MousePos.x;
    for (int i = 0; i < n; ++i) {
        const float x0 = p0.x + pad + slot * float(i), x1 = x0 + std::max(1.0f, slot - gap);
        const float h = float(values[size_t(i)] / top) * height;
        dl->AddRectFilled(ImVec2(x0, base - std::max(h, values[size_t(i)] > 0 ? 1.0f : 0.0f)),
                          ImVec2(x1, base), colour);
        if (hovered && mx >= x0 && mx < x0 + slot) under = i;
    }
    for (int i : {highlight, under}) {
        if (i < 0 || i >= n) continue;
        const float x0 = p0.x + pad + slot * float(i);
        dl->AddRect(ImVec2(x0 - 1, p0.y + 1), ImVec2(x0 + std::max(2.0f, slot) + 1, p1.y - 1),
                    ImGui::GetColorU32(ImGuiCol_Text), 0.0f, 0, std::max(1.0f, ui_scaled(1.5f)));
    }
    return under;
}

}  // namespace cl
