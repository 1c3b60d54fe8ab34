// The Compare view's ImageNet history: ILSVRC top-5 error by year as bars, each with its
// network's depth, the human estimate as a dashed line, and the sources. A bar whose network
// is in the zoo adds it to the comparison when clicked.
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/ui.h"
#include "app/views/compare/compare.h"
#include "app/widgets/chart_bars.h"
#include "engine/explain/imagenet_history.h"

namespace cl {

namespace {
void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 colour, float dash, float thickness) {
    const float len = b.x - a.x;
    for (float x = 0; x < len; x += 2 * dash)
        dl->AddLine(ImVec2(a.x + x, a.y), ImVec2(a.x + std::min(x + dash, len), b.y), colour,
                    thickness);
}

// "vgg19" -> "vgg": a pane showing any member of the family lights the bar up.
std::string family(const std::string& model) {
    size_t end = 0;
    while (end < model.size() && std::isalpha(static_cast<unsigned char>(model[end]))) ++end;
    return model.substr(0, end);
}

void centred_text(ImDrawList* dl, float cx, float y, ImU32 colour, const char* text) {
    const float w = ImGui::CalcTextSize(text).x;
    dl->AddText(ImVec2(std::floor(cx - w * 0.5f), y), colour, text);
}
}  // namespace

void CompareView::draw_history(AppState& state, float height) {
    const std::vector<IlsvrcEntry>& entries = ilsvrc_history();
    ImGui::TextUnformatted("ImageNet (ILSVRC) classification: top-5 error of the winners");
    const float line = ImGui::GetTextLineHeight();
    // Sources below the chart, wrapped: measure them first so the chart takes the rest.
    const std::string sources =
        std::string(
            "Coloured: shown in the pane of that colour. Outlined: in the ConvLens zoo, "
            "click to compare it. Sources: ") +
        ilsvrc_citation();
    const float wrap = ImGui::GetContentRegionAvail().x;
    const float sources_h =
        ImGui::CalcTextSize(sources.c_str(), nullptr, false, wrap).y + ui_scaled(4);
    const float chart_h = std::max(
        ui_scaled(150), height - line - sources_h - 2 * ImGui::GetStyle().ItemSpacing.y - 2);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float chart_w = ImGui::GetContentRegionAvail().x;
    ImGui::InvisibleButton("##history", ImVec2(chart_w, chart_h));
    const bool chart_hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
    // Plot area: y axis labels on the left, three text lines under the bars.
    const float axis_w = ImGui::CalcTextSize("30 %").x + ui_scaled(6);
    const ImVec2 p0(origin.x + axis_w, origin.y + line * 0.6f);
    const ImVec2 p1(origin.x + chart_w - ui_scaled(4),
                    origin.y + chart_h - 3 * line - ui_scaled(6));
    const double top = 30.0;
    auto y_of = [&](double e) { return float(p1.y - (p1.y - p0.y) * e / top); };
    for (int e = 0; e <= 30; e += 10) {
        const float y = y_of(e);
        dl->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), grid);
        char label[16];
        std::snprintf(label, sizeof label, "%d %%", e);
        dl->AddText(ImVec2(origin.x, y - line * 0.5f), dim, label);
    }

    const int n = int(entries.size());
    const float slot = (p1.x - p0.x) / float(n);
    const float bar_w = std::floor(slot * 0.62f);
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    int hovered = -1;
    for (int i = 0; i < n; ++i) {
        const IlsvrcEntry& e = entries[size_t(i)];
        const float cx = p0.x + slot * (float(i) + 0.5f);
        const ImVec2 b0(std::floor(cx - bar_w * 0.5f), y_of(e.top5_error));
        const ImVec2 b1(b0.x + bar_w, p1.y);
        // The bar takes the colour of the pane that shows its network, if any.
        int pane = -1;
        for (size_t j = 0; j < state.compare.models.size() && *e.zoo_model; ++j)
            if (pane < 0 && family(state.compare.models[j]) == family(e.zoo_model)) pane = int(j);
        const ImU32 fill = pane >= 0      ? chart_series_colour(pane, 0.9f)
                           : *e.zoo_model ? ImGui::GetColorU32(ImGuiCol_Text, 0.55f)
                                          : ImGui::GetColorU32(ImGuiCol_TextDisabled, 0.45f);
        dl->AddRectFilled(b0, b1, fill);
        if (*e.zoo_model && pane < 0)  // in the zoo, not shown: click to add
            dl->AddRect(b0, b1, text, 0, 0, std::max(1.0f, ui_scaled(1.5f)));
        if (!e.winner) {  // runner-up: hatched
            for (float y = b0.y + 4; y < b1.y; y += 6)
                dl->AddLine(ImVec2(b0.x, y), ImVec2(b1.x, std::max(b0.y, y - bar_w * 0.4f)),
                            IM_COL32(255, 255, 255, 70));
        }
        const bool over =
            chart_hovered && mouse.x >= cx - slot * 0.5f && mouse.x < cx + slot * 0.5f;
        if (over) {
            hovered = i;
            dl->AddRect(ImVec2(b0.x - 1, b0.y - 1), ImVec2(b1.x + 1, b1.y + 1), text, 0, 0, 2);
        }
        char value[16];
        std::snprintf(value, sizeof value, "%g", e.top5_error);
        centred_text(dl, cx, b0.y - line - 1, text, value);
        centred_text(dl, cx, p1.y + 2, text, std::to_string(e.year).c_str());
        const std::string name = *e.network ? e.network : e.team;
        centred_text(dl, cx, p1.y + 2 + line, *e.network ? text : dim,
                     (name + (e.winner ? "" : " (2nd)")).c_str());
        const std::string depth = e.depth ? std::to_string(e.depth) + " layers" : "not a CNN";
        centred_text(dl, cx, p1.y + 2 + 2 * line, dim, depth.c_str());
    }
    // The human estimate, over the bars.
    const float hy = y_of(ilsvrc_human_top5_error());
    dashed_line(dl, ImVec2(p0.x, hy), ImVec2(p1.x, hy), IM_COL32(220, 60, 60, 255), ui_scaled(6),
                std::max(1.5f, ui_scaled(1.5f)));
    // Its legend in the empty top-right corner, clear of every bar's label.
    char human[48];
    std::snprintf(human, sizeof human, "human (estimate): %.1f %%", ilsvrc_human_top5_error());
    const float hw = ImGui::CalcTextSize(human).x, key_w = ui_scaled(28);
    const ImVec2 key(p1.x - hw - key_w - ui_scaled(8), y_of(top) + line * 0.5f);
    dashed_line(dl, ImVec2(key.x, key.y + line * 0.5f), ImVec2(key.x + key_w, key.y + line * 0.5f),
                IM_COL32(220, 60, 60, 255), ui_scaled(6), std::max(1.5f, ui_scaled(1.5f)));
    dl->AddText(ImVec2(key.x + key_w + ui_scaled(6), key.y), IM_COL32(220, 60, 60, 255), human);

    if (hovered >= 0) {
        const IlsvrcEntry& e = entries[size_t(hovered)];
        bool shown = false;
        for (const std::string& m : state.compare.models)
            shown = shown || (*e.zoo_model && family(m) == family(e.zoo_model));
        char error[32];
        std::snprintf(error, sizeof error, "%g %%", e.top5_error);
        const bool named = *e.network && std::string(e.network) != e.team;
        std::string tip = std::to_string(e.year) + " " + e.team +
                          (named ? std::string(" (") + e.network + ")" : std::string()) +
                          (e.winner ? ", winner" : ", runner-up") + ": top-5 error " + error;
        if (e.depth) tip += ", " + std::to_string(e.depth) + " weight layers";
        tip += "\nSource: " + std::string(e.source);
        if (shown) {
            tip += "\nIn a pane of this comparison";
        } else if (*e.zoo_model) {
            tip += "\nClick: compare '" + std::string(e.zoo_model) + "' from the zoo";
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        } else {
            tip += "\nNot in the ConvLens zoo";
        }
        if (*e.zoo_note) tip += "\n(" + std::string(e.zoo_note) + ")";
        ImGui::SetTooltip("%s", tip.c_str());
        if (clicked && *e.zoo_model && !shown) add_model(state, e.zoo_model);
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", sources.c_str());
    ImGui::PopStyleColor();
}

}  // namespace cl
