// Walkthrough view (walkthrough.h): the whole table in the lecture's columns (click a row to jump
// there) and its export as CSV or Markdown, written atomically where the user chooses.
#include <imgui.h>

#include <filesystem>

#include "app/ui.h"
#include "app/views/walkthrough/walkthrough.h"
#include "app/widgets/minimap.h"
#include "engine/io/atomic_file.h"

namespace cl {

namespace {
const char* k_title_csv = "Export the table as CSV";
const char* k_title_md = "Export the table as Markdown";

std::string export_stem(const std::string& model) {
    const std::string stem = std::filesystem::path(model).stem().string();
    return (stem.empty() ? std::string("model") : stem) + "-table";
}
}  // namespace

void WalkthroughView::draw_table(AppState& state, int node) {
    const ModelSummary& s = info_.summary;
    // The buttons first: their place does not move with the totals' width.
    if (ImGui::Button("Export CSV\xE2\x80\xA6"))
        dialog_.open(k_title_csv, {".csv"}, true, export_stem(info_.model) + ".csv");
    ImGui::SameLine();
    if (ImGui::Button("Export Markdown\xE2\x80\xA6"))
        dialog_.open(k_title_md, {".md"}, true, export_stem(info_.model) + ".md");
    ImGui::SameLine(0, ui_scaled(16));
    if (compact_) {
        // A short window folds the table to this row; the card needs the height more.
        if (ImGui::Button(show_table_ ? "Hide table" : "Show table")) {
            show_table_ = !show_table_;
            scroll_table_ = true;
        }
        ImGui::SameLine();
    }
    ImGui::AlignTextToFramePadding();
    ImGui::Text("All %d layers", int(s.layers.size()));
    ImGui::SameLine();
    // Exact totals where there is room; a short window's folded bar rounds them (the table and
    // its export keep every digit).
    const std::string totals =
        compact_ ? "total " + with_unit(s.total_params) + " params, " + with_unit(s.total_macs) +
                       " MACs, " + format_bytes(s.total_activation_bytes)
                 : "total " + format_thousands(s.total_params) + " params, " +
                       format_thousands(s.total_macs) + " MACs, " +
                       format_bytes(s.total_activation_bytes) + " of activations";
    text_dim(export_message_.empty() ? totals.c_str() : export_message_.c_str());

    if (compact_ && !show_table_) return;
    const std::vector<std::string> header = lecture_columns();
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit |
                                  ImGuiTableFlags_BordersOuterH;
    if (!ImGui::BeginTable("layers", int(header.size()), flags,
                           ImVec2(0, ImGui::GetContentRegionAvail().y)))
        return;
    ImGui::TableSetupScrollFreeze(1, 1);
    for (size_t c = 0; c < header.size(); ++c)
        ImGui::TableSetupColumn(header[c].c_str(), ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableHeadersRow();
    const std::vector<int>& list = steps(state);
    for (int i = 0; i < int(s.layers.size()); ++i) {
        const std::vector<std::string> cells = lecture_cells(s.layers[size_t(i)]);
        const bool is_step = std::binary_search(list.begin(), list.end(), i);
        ImGui::TableNextRow();
        if (!is_step)
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        for (size_t c = 0; c < cells.size(); ++c) {
            ImGui::TableNextColumn();
            if (c == 0) {
                ImGui::PushID(i);
                if (ImGui::Selectable(cells[0].c_str(), i == node,
                                      ImGuiSelectableFlags_SpanAllColumns))
                    go_to(state, i);
                ImGui::PopID();
                if (i == node && scroll_table_) {
                    ImGui::SetScrollHereY(0.4f);
                    scroll_table_ = false;
                }
            } else {
                if (c >= 4) {  // numbers right-aligned
                    const float w = ImGui::CalcTextSize(cells[c].c_str()).x;
                    ImGui::SetCursorPosX(ImGui::GetCursorPosX() +
                                         std::max(0.0f, ImGui::GetContentRegionAvail().x - w));
                }
                ImGui::TextUnformatted(cells[c].c_str());
            }
        }
        if (!is_step) ImGui::PopStyleColor();
    }
    ImGui::EndTable();
}

void WalkthroughView::draw_export(const AppState& state) {
    (void)state;
    std::string chosen;
    if (!dialog_.draw(chosen)) return;
    try {
        const bool csv = dialog_.title() == k_title_csv;
        write_file_atomic(chosen,
                          csv ? summary_csv(info_.summary) : summary_markdown(info_.summary));
        export_message_ = "wrote " + chosen;
    } catch (const std::exception& e) {
        export_message_ = e.what();
    }
}

}  // namespace cl
