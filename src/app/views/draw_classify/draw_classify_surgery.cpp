// Draw & Classify, kernel surgery: conv1's filters switched off one by one with the buttons under
// its maps, filters replaced in the Kernel Lab marked, and the MODIFIED badge that resets both.
#include <imgui.h>

#include <algorithm>
#include <string>

#include "app/app_state.h"
#include "app/ui.h"
#include "app/views/draw_classify/draw_classify.h"

namespace cl {

namespace {
const ImVec4 k_off_button(0.75f, 0.12f, 0.12f, 1.0f);
const ImVec4 k_replaced_button(0.55f, 0.25f, 0.80f, 1.0f);
}  // namespace

void DrawClassifyView::draw_modified_badge(AppState& state) {
    // The badge is the reset button: a modified network is never on screen unannounced.
    const size_t off = state.request.zeroed.size(), replaced = state.request.replaced.size();
    std::string what;
    if (off > 0) what = std::to_string(off) + " filter" + (off == 1 ? "" : "s") + " off";
    if (replaced > 0) what += (what.empty() ? "" : ", ") + std::to_string(replaced) + " replaced";
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.75f, 0.12f, 0.12f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.9f, 0.2f, 0.2f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    if (ImGui::Button(("MODIFIED: " + what + " \xE2\x80\x94 click to reset").c_str())) {
        state.request.zeroed.clear();
        state.request.replaced.clear();
    }
    ImGui::PopStyleColor(3);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "The network is not the trained one: filters were switched off here "
            "or replaced in the Kernel Lab.\nClick to restore every filter.");
}

void DrawClassifyView::draw_surgery(AppState& state, const Node& conv) {
    auto& zeroed = state.request.zeroed;
    auto& replaced = state.request.replaced;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    // One short line in every state: the rows of buttons below keep their place.
    ImGui::TextWrapped(compact_ ? "switch off:" : "switch a filter off:");
    ImGui::PopStyleColor();
    for (int c = 0; c < conv.shape.c; ++c) {
        const std::pair<std::string, int> key{conv.name, c};
        auto it = std::find(zeroed.begin(), zeroed.end(), key);
        auto swapped = std::find_if(replaced.begin(), replaced.end(), [&](const auto& r) {
            return r.node == conv.name && r.channel == c;
        });
        const bool off = it != zeroed.end(), is_replaced = swapped != replaced.end();
        if (c > 0)
            same_line_if_fits(ImGui::CalcTextSize("0").x + ImGui::GetStyle().FramePadding.x * 2);
        // Red: switched off here; purple: a Kernel Lab kernel in place of the learned filter.
        if (off || is_replaced)
            ImGui::PushStyleColor(ImGuiCol_Button, off ? k_off_button : k_replaced_button);
        ImGui::PushID(c);
        if (ImGui::SmallButton(std::to_string(c).c_str())) {
            if (is_replaced)
                replaced.erase(swapped);
            else if (off)
                zeroed.erase(it);
            else
                zeroed.push_back(key);
        }
        ImGui::PopID();
        if (off || is_replaced) ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) {
            if (is_replaced)
                ImGui::SetTooltip(
                    "filter %d holds a kernel from the Kernel Lab: click to put "
                    "the learned filter back",
                    c);
            else
                ImGui::SetTooltip(off ? "filter %d is off (all zero): click to switch it back on"
                                      : "set filter %d of %s to zero and watch the prediction",
                                  c, conv.name.c_str());
        }
    }
}

}  // namespace cl
