// The Compare view's numbers: one row per figure, one column per pane, each cell a bar scaled
// to the row's largest value, and the notes that say how latency and accuracy were measured.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "app/ui.h"
#include "app/views/compare/compare.h"
#include "app/widgets/chart_bars.h"
#include "engine/threading.h"

namespace cl {

namespace {
struct Metric {
    const char* name;
    const char* tooltip;
    std::function<std::optional<double>(const CompareRow&)> value;
    std::function<std::string(const CompareRow&)> text;
};

std::string millis(double ms) {
    char text[32];
    std::snprintf(text, sizeof text, ms >= 100 ? "%.0f ms" : ms >= 10 ? "%.1f ms" : "%.2f ms", ms);
    return text;
}

std::string percent(double fraction) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %%", 100.0 * fraction);
    return text;
}
}  // namespace

void CompareView::draw_numbers(AppState& state) {
    (void)state;
    std::vector<const ComparePane*> ready;
    std::vector<int> colour;
    std::vector<CompareRow> rows;
    bool any_trained = false, any_big = false;
    for (size_t i = 0; i < panes_.size(); ++i) {
        if (!panes_[i]->ready()) continue;
        ready.push_back(panes_[i].get());
        colour.push_back(int(i));
        rows.push_back(panes_[i]->row());
        any_trained = any_trained || panes_[i]->trained();
        any_big = any_big || panes_[i]->latency_runs() == 3;
    }
    if (rows.empty()) {
        text_dim("The numbers appear when the first model has loaded.");
        return;
    }
    const std::vector<Metric> metrics = {
        {"Depth", "weight layers (conv + fully connected) on the longest path",
         [](const CompareRow& r) { return std::optional<double>(r.depth); },
         [](const CompareRow& r) { return std::to_string(r.depth) + " layers"; }},
        {"Parameters", "trainable parameters (weights + biases)",
         [](const CompareRow& r) { return std::optional<double>(double(r.params)); },
         [](const CompareRow& r) { return format_short(double(r.params)); }},
        {"MACs", "multiply-accumulates of one forward pass (one image)",
         [](const CompareRow& r) { return std::optional<double>(double(r.macs)); },
         [](const CompareRow& r) { return format_short(double(r.macs)); }},
        {"Weight memory", "every parameter tensor as float32",
         [](const CompareRow& r) { return std::optional<double>(double(r.weight_bytes)); },
         [](const CompareRow& r) { return format_bytes(r.weight_bytes); }},
        {"Activations", "every layer's output kept (float32, one image), as ConvLens does",
         [](const CompareRow& r) { return std::optional<double>(double(r.activation_bytes)); },
         [](const CompareRow& r) { return format_bytes(r.activation_bytes); }},
        {"Latency", "median forward pass on this machine, measured in this run",
         [](const CompareRow& r) { return r.latency_ms; },
         [](const CompareRow& r) { return r.latency_ms ? millis(*r.latency_ms) : std::string(); }},
    };

    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame;
    if (ImGui::BeginTable("numbers", int(rows.size()) + 1, flags)) {
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ui_scaled(105));
        for (const CompareRow& r : rows) ImGui::TableSetupColumn(r.model.c_str());
        ImGui::TableHeadersRow();
        for (const Metric& m : metrics) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(m.name);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", m.tooltip);
            double top = 0;
            for (const CompareRow& r : rows) top = std::max(top, m.value(r).value_or(0.0));
            for (size_t j = 0; j < rows.size(); ++j) {
                ImGui::TableNextColumn();
                const std::optional<double> v = m.value(rows[j]);
                if (!v) {
                    const bool latency = std::string(m.name) == "Latency";
                    const std::optional<Measurement>& l = ready[j]->latency();
                    text_dim(latency && l && !l->error.empty() ? "failed"
                                                               : "measuring\xE2\x80\xA6");
                    if (latency && l && !l->error.empty() && ImGui::IsItemHovered())
                        ImGui::SetTooltip("%s", l->error.c_str());
                    continue;
                }
                bar_value(m.text(rows[j]).c_str(), top > 0 ? float(*v / top) : 0.0f,
                          chart_series_colour(colour[j], 0.45f));
                if (ImGui::IsItemHovered() && std::string(m.name) == "Latency")
                    ImGui::SetTooltip("median of %d runs after a warm-up: min %.1f ms, max %.1f ms",
                                      rows[j].latency_runs, ready[j]->latency()->min_ms,
                                      ready[j]->latency()->max_ms);
            }
        }
        if (any_trained) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted("Test accuracy");
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip(
                    "top-1 on the test split, evaluated now (models trained by "
                    "ConvLens only)");
            for (size_t j = 0; j < rows.size(); ++j) {
                ImGui::TableNextColumn();
                const ComparePane& p = *ready[j];
                if (!p.trained()) {
                    text_dim("\xE2\x80\x94");
                    if (ImGui::IsItemHovered())
                        ImGui::SetTooltip(
                            "not trained by ConvLens (He-initialised or imported "
                            "weights)");
                } else if (rows[j].accuracy) {
                    bar_value((percent(*rows[j].accuracy) + " *").c_str(), float(*rows[j].accuracy),
                              chart_series_colour(colour[j], 0.45f));
                    if (ImGui::IsItemHovered())
                        ImGui::SetTooltip("%s", rows[j].accuracy_note.c_str());
                } else if (p.accuracy() && !p.accuracy()->error.empty()) {
                    text_dim("no test data");
                    if (ImGui::IsItemHovered())
                        ImGui::SetTooltip("%s", p.accuracy()->error.c_str());
                } else {
                    text_dim("evaluating\xE2\x80\xA6");
                }
            }
        }
        ImGui::EndTable();
    }

    char note[320];
    std::snprintf(note, sizeof note,
                  "Latency: median of 5 forward passes after a warm-up%s, every activation kept, "
                  "%d threads, measured in this run on this machine. Other numbers: the "
                  "engine's summary.",
                  any_big ? " (3 for models over 5 GMACs)" : "", thread_count());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", note);
    for (size_t j = 0; j < rows.size(); ++j) {
        const TrainedWeights* t = ready[j]->trained();
        if (!t) continue;
        std::string line =
            "* " + rows[j].model + ": trained by ConvLens on " + t->title + ": " + t->command;
        if (rows[j].accuracy)
            line += "  (" + rows[j].accuracy_note.substr(0, rows[j].accuracy_note.find(';')) + ")";
        ImGui::TextWrapped("%s", line.c_str());
    }
    ImGui::PopStyleColor();
}

}  // namespace cl
