// Colour bar + numbers (see colormap_legend.h).
#include "app/widgets/colormap_legend.h"

#include <imgui.h>

#include <cstdint>
#include <cstdio>

#include "app/ui.h"

namespace cl {

namespace {
void format_value(char* buf, size_t n, float v) {
    const float a = v < 0 ? -v : v;
    if (a != 0.0f && (a < 0.01f || a >= 10000.0f))
        std::snprintf(buf, n, "%.2e", double(v));
    else
        std::snprintf(buf, n, "%.3g", double(v));
}
}  // namespace

void colormap_legend(const TextureCache& textures, Colormap map, ValueRange range, float width,
                     const char* caption) {
    char lo[32], hi[32];
    format_value(lo, sizeof lo, range.lo);
    format_value(hi, sizeof hi, range.hi);
    ImGui::TextUnformatted(lo);
    ImGui::SameLine();
    const float hi_w = ImGui::CalcTextSize(hi).x;
    const float bar_w = std::max(
        ui_scaled(40), width - ImGui::GetCursorPosX() - hi_w - ImGui::GetStyle().ItemSpacing.x);
    const float bar_h = ImGui::GetTextLineHeight();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float v = Colorizer::lut_v(map);
    ImGui::Image(ImTextureID(intptr_t(textures.colormap_lut())), ImVec2(bar_w, bar_h),
                 ImVec2(0.5f / 256.0f, v), ImVec2(255.5f / 256.0f, v));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRect(p0, ImVec2(p0.x + bar_w, p0.y + bar_h), ImGui::GetColorU32(ImGuiCol_Border));
    if (map == Colormap::Diverging) {  // white is exactly 0
        const float x = p0.x + bar_w * 0.5f;
        dl->AddLine(ImVec2(x, p0.y - ui_scaled(2)), ImVec2(x, p0.y + bar_h + ui_scaled(2)),
                    ImGui::GetColorU32(ImGuiCol_Text));
    }
    if (ImGui::IsItemHovered() && caption) ImGui::SetTooltip("%s", caption);
    ImGui::SameLine();
    ImGui::TextUnformatted(hi);
}

}  // namespace cl
