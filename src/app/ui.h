// Small ImGui helpers shared by views and widgets. Sizes are written for a 15 px font and scaled
// with the current font (ImHex's _scaled), so presenter zoom and HiDPI scale everything.
#pragma once

#include <imgui.h>

namespace cl {

inline float ui_scaled(float x) {
    return x * ImGui::GetFontSize() / 15.0f;
}
inline ImVec2 ui_scaled(float x, float y) {
    return ImVec2(ui_scaled(x), ui_scaled(y));
}

// Text in the theme's "disabled" colour, for secondary information.
inline void text_dim(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
}

// SameLine() when an item `width` wide still fits on this line; otherwise the next item wraps.
inline void same_line_if_fits(float width) {
    const float x = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;
    if (x + width <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
        ImGui::SameLine();
}

// The width of a checkbox with this label.
inline float checkbox_width(const char* label) {
    return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
           ImGui::CalcTextSize(label).x;
}

}  // namespace cl
