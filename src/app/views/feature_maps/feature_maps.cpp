// Feature Maps view (see feature_maps.h): a layer list on the left, the chosen layer's maps (and
// filters) on the right.
#include "app/views/feature_maps/feature_maps.h"

#include <imgui.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "app/ui.h"
#include "app/widgets/colormap_legend.h"
#include "app/widgets/feature_grid.h"
#include "app/widgets/weights_status.h"
#include "engine/filters.h"
#include "engine/io/model_input.h"
#include "engine/render.h"
#include "engine/zoo/trained_weights.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {
bool is_elementwise(OpKind k) {
    return k == OpKind::Relu || k == OpKind::BatchNorm2d || k == OpKind::Lrn || k == OpKind::Tanh ||
           k == OpKind::Sigmoid || k == OpKind::Dropout;
}

// The convolution whose filters made this node's maps: the node itself, or the conv right
// before a chain of element-wise layers (conv1 -> relu1). -1 when there is none.
int filters_node(const Graph& graph, int node) {
    for (int hops = 0; hops < 4 && node >= 0; ++hops) {
        const Node& n = graph.node(node);
        if (n.op && n.op->kind() == OpKind::Conv2d) return node;
        if (!n.op || !is_elementwise(n.op->kind()) || n.inputs.size() != 1) return -1;
        node = n.inputs[0];
    }
    return -1;
}

// Node i was written by node i-1 in the same pass (a ReLU fused into its convolution).
bool fused_into_previous(const Activations& acts, int i) {
    return i > 0 && i < int(acts.fused.size()) && acts.fused[size_t(i)];
}

std::string millis_text(double t) {
    char text[32];
    if (t >= 10)
        std::snprintf(text, sizeof text, "%.0f ms", t);
    else if (t >= 0.1)
        std::snprintf(text, sizeof text, "%.2f ms", t);
    else
        std::snprintf(text, sizeof text, "%.0f \xC2\xB5s", t * 1000);
    return text;
}

// "Prediction  7 (p = 0.98)" from the output layer, when the model's classes are known.
void draw_prediction(const Snapshot& snapshot) {
    const Graph& graph = *snapshot.graph;
    const Tensor& out = snapshot.activations.outputs[size_t(graph.output_index())];
    const int classes = out.shape().c;
    if (out.shape().h != 1 || out.shape().w != 1 || classes != int(snapshot.class_names.size()))
        return;
    int best = 0;
    for (int k = 1; k < classes; ++k)
        if (out[k] > out[best]) best = k;
    const bool softmax = graph.node(graph.output_index()).op->kind() == OpKind::Softmax;
    char text[160];
    std::snprintf(text, sizeof text, softmax ? "%s  (p = %.2f)" : "%s  (score %.3g)",
                  snapshot.class_names[size_t(best)].c_str(), double(out[best]));
    ImGui::TextUnformatted("Output");
    ImGui::SameLine(ui_scaled(60));
    ImGui::TextUnformatted(text);
}

const char* op_name(const Node& n) {
    return n.op ? op_kind_name(n.op->kind()) : "Input";
}

std::string shape_text(const Shape& s) {
    if (s.h == 1 && s.w == 1) return std::to_string(s.c);
    return std::to_string(s.c) + "\xC3\x97" + std::to_string(s.h) + "\xC3\x97" +
           std::to_string(s.w);
}
// A layer name that fits `width`: a long one ("inception3a/relu_3x3_reduce" in presenter mode)
// ends in "..." instead of being cut in the middle of a letter. Its start is kept, which tells
// "inception3a/relu_3x3..." from "inception3a/3x3_red..." (the tooltip has the whole name).
std::string fitted_name(const std::string& name, float width) {
    if (ImGui::CalcTextSize(name.c_str()).x <= width) return name;
    const std::string dots = "\xE2\x80\xA6";
    std::string head = name;
    while (head.size() > 1 && ImGui::CalcTextSize((head + dots).c_str()).x > width) head.pop_back();
    return head + dots;
}

}  // namespace

const char* FeatureMapsView::help() const {
    return "Feature Maps shows what every layer of a network computes for the current input.\n\n"
           "Left: the layers in order, with the size of their output (channels x height x width) "
           "and how long each took. Click a layer, or step with the Left/Right arrow keys "
           "(Home/End: first/last).\n\n"
           "Right: one small picture per channel of the chosen layer. Colours: grey for the input "
           "image; viridis (dark blue \xE2\x86\x92 yellow) when no value is negative; "
           "blue-white-red when "
           "values are signed, with white exactly 0. The colour bar gives the numbers. 'Per map' "
           "stretches each map to its own range, so weak maps become visible.\n\n"
           "For a convolution (and the ReLU after it) the filters are shown beside the maps: "
           "filter i, slid over the input, made map i. Hover a map to read a value; click it to "
           "enlarge; click again or press Esc to go back.";
}

int FeatureMapsView::selected_node(const AppState& state, const Graph& graph) const {
    const int found = graph.find(state.feature_maps.layer);
    if (found >= 0) return found;
    for (int i = 0; i < graph.size(); ++i)
        if (graph.node(i).op && graph.node(i).op->kind() == OpKind::Conv2d) return i;
    return 0;
}

void FeatureMapsView::step(AppState& state, const Snapshot& snapshot, int delta) {
    if (!snapshot.ok()) return;
    const Graph& graph = *snapshot.graph;
    const long next =
        std::clamp(long(selected_node(state, graph)) + delta, 0L, long(graph.size() - 1));
    state.feature_maps.layer = graph.node(int(next)).name;
    state.feature_maps.enlarged = -1;
    scroll_to_selection_ = true;
}

Colormap FeatureMapsView::colormap_for_node(const AppState& state, const Snapshot& snapshot,
                                            int node) {
    switch (state.feature_maps.colormap) {
        case ColormapChoice::Gray:
            return Colormap::Gray;
        case ColormapChoice::Viridis:
            return Colormap::Viridis;
        case ColormapChoice::Diverging:
            return Colormap::Diverging;
        case ColormapChoice::Auto:
            break;
    }
    if (auto_generation_ != snapshot.result_generation || auto_node_ != node) {
        const Node& n = snapshot.graph->node(node);
        const bool is_input = !n.op || n.op->kind() == OpKind::Input;
        auto_map_ = colormap_for(snapshot.activations.outputs[size_t(node)], is_input);
        auto_generation_ = snapshot.result_generation;
        auto_node_ = node;
    }
    return auto_map_;
}

void FeatureMapsView::draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) {
    if (!snapshot.ok()) {
        ImGui::TextUnformatted(
            "Loading the model and computing its first forward pass\xE2\x80\xA6");
        return;
    }
    const int node = selected_node(state, *snapshot.graph);
    const float height = ImGui::GetContentRegionAvail().y;
    const float sidebar_w = std::min(ui_scaled(400), ImGui::GetContentRegionAvail().x * 0.4f);
    ImGui::BeginChild("sidebar", ImVec2(sidebar_w, height), true);
    draw_sidebar(state, snapshot, node);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("maps", ImVec2(0, height), true);
    draw_maps(state, snapshot, textures, node);
    ImGui::EndChild();
}

void FeatureMapsView::draw_sidebar(AppState& state, const Snapshot& snapshot, int selected) {
    ImGui::TextUnformatted("Model");
    ImGui::SameLine(ui_scaled(60));
    ImGui::SetNextItemWidth(-1);
    const std::string current = snapshot.request.model;
    if (ImGui::BeginCombo("##model", current.c_str())) {
        for (const ZooEntry& e : zoo_list()) {
            if (ImGui::Selectable(e.name, current == e.name)) {
                state.request.model = e.name;
                state.request.weights.clear();
                state.feature_maps.layer.clear();
                state.feature_maps.enlarged = -1;
                scroll_to_selection_ = true;
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.description);
        }
        ImGui::EndCombo();
    }
    draw_weights_status(snapshot.request.model, snapshot.request.weights);
    ImGui::TextUnformatted("Input");
    ImGui::SameLine(ui_scaled(60));
    ImGui::TextUnformatted(snapshot.input_label.c_str());
    draw_prediction(snapshot);
    const std::vector<std::string> samples = sample_files();
    ImGui::BeginDisabled(samples.empty());
    if (ImGui::Button("Next sample")) {
        auto it = std::find(samples.begin(), samples.end(), state.request.input_path);
        state.request.input_path =
            it == samples.end() || it + 1 == samples.end() ? samples.front() : *(it + 1);
        state.request.input_tensor.reset();
        test_images_.forget();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Open image\xE2\x80\xA6")) state.action = AppAction::OpenImage;
    const Shape in = snapshot.graph->input_shape();
    if (in.c == 1 && in.h == 28 && in.w == 28) {
        test_images_.suggest(trained_dataset(snapshot.request.model, snapshot.request.weights) !=
                             "mnist");
        test_images_.draw(state);
    }
    ImGui::Separator();
    draw_layer_table(state, snapshot, selected);
}

void FeatureMapsView::draw_layer_table(AppState& state, const Snapshot& snapshot, int selected) {
    const Graph& graph = *snapshot.graph;
    const std::vector<double>& ms = snapshot.activations.millis;
    const double max_ms = ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end());
    const double total_ms = std::accumulate(ms.begin(), ms.end(), 0.0);
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("layers", 3, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Layer", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Output");
    ImGui::TableSetupColumn("Time", ImGuiTableColumnFlags_WidthFixed, ui_scaled(80));
    ImGui::TableHeadersRow();
    for (int i = 0; i < graph.size(); ++i) {
        const Node& n = graph.node(i);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const bool is_selected = i == selected;
        const std::string label =
            fitted_name(n.name, ImGui::GetContentRegionAvail().x) + "##" + n.name;
        if (ImGui::Selectable(label.c_str(), is_selected, ImGuiSelectableFlags_SpanAllColumns)) {
            state.feature_maps.layer = n.name;
            state.feature_maps.enlarged = -1;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (%s)", n.name.c_str(), op_name(n));
        if (is_selected && scroll_to_selection_) {
            ImGui::SetScrollHereY(0.5f);
            scroll_to_selection_ = false;
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(shape_text(n.shape).c_str());
        ImGui::TableNextColumn();
        const double t = i < int(ms.size()) ? ms[size_t(i)] : 0.0;
        if (fused_into_previous(snapshot.activations, i)) {
            text_dim("fused");
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("Computed by %s in the same pass; its time includes this one",
                                  graph.node(i - 1).name.c_str());
            continue;
        }
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetTextLineHeight();
        const float frac = max_ms > 0 ? float(t / max_ms) : 0.0f;
        ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + w * frac, p.y + h),
                                                  IM_COL32(70, 130, 200, 150));
        ImGui::TextUnformatted(millis_text(t).c_str());
        if (ImGui::IsItemHovered() && total_ms > 0)
            ImGui::SetTooltip("%.3f ms, %.1f%% of the %.1f ms forward pass", t, 100 * t / total_ms,
                              total_ms);
    }
    ImGui::EndTable();
}

void FeatureMapsView::draw_maps(AppState& state, const Snapshot& snapshot, TextureCache& textures,
                                int node) {
    FeatureMapsState& fm = state.feature_maps;
    const Graph& graph = *snapshot.graph;
    const Node& n = graph.node(node);
    const Tensor& maps = snapshot.activations.outputs[size_t(node)];
    const double t = node < int(snapshot.activations.millis.size())
                         ? snapshot.activations.millis[size_t(node)]
                         : 0.0;
    ImGui::Text("%s", n.name.c_str());
    ImGui::SameLine();
    const std::string time = fused_into_previous(snapshot.activations, node)
                                 ? "fused into " + graph.node(node - 1).name
                                 : millis_text(t);
    text_dim((std::string(op_name(n)) + "   output " + shape_text(n.shape) + "   " + time).c_str());
    draw_random_weights_banner(snapshot.request.model, snapshot.request.weights);

    const Colormap map = colormap_for_node(state, snapshot, node);
    const char* choices[] = {"Auto", "Grey", "Viridis", "Blue-white-red"};
    int choice = int(fm.colormap);
    ImGui::SetNextItemWidth(ui_scaled(150));
    if (ImGui::Combo("Colours", &choice, choices, 4)) fm.colormap = ColormapChoice(choice);
    same_line_if_fits(checkbox_width("Per map"));
    ImGui::Checkbox("Per map", &fm.per_map);
    same_line_if_fits(checkbox_width("Pixel grid"));
    ImGui::Checkbox("Pixel grid", &fm.pixel_grid);
    const int conv = filters_node(graph, node);
    const Tensor* weight = conv >= 0 ? graph.node(conv).param("weight") : nullptr;
    if (weight) {
        same_line_if_fits(checkbox_width("Filters"));
        ImGui::Checkbox("Filters", &fm.show_filters);
    }

    const ColourSettings colour{map, fm.per_map};
    const std::string key = std::to_string(snapshot.result_generation) + "/" + n.name;
    const Atlas* atlas = nullptr;
    try {
        atlas = &textures.atlas(key, maps, colour);
    } catch (const std::exception& e) {
        ImGui::TextWrapped("%s", e.what());
        return;
    }
    if (fm.enlarged >= atlas->geometry.channels) fm.enlarged = -1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) fm.enlarged = -1;

    const float readout_h = ImGui::GetFrameHeightWithSpacing();
    const bool with_filters = weight && fm.show_filters && fm.enlarged < 0;
    const float full_w = ImGui::GetContentRegionAvail().x;
    const float filters_w = with_filters ? std::floor(full_w * 0.36f) : 0.0f;
    FeatureGridHover filter_hover, map_hover;
    std::string readout;

    if (with_filters) {
        const Shape& ws = weight->shape();
        fm.filter_input = std::clamp(fm.filter_input, 0, ws.c - 1);
        ImGui::BeginGroup();
        ImGui::BeginChild("filters",
                          ImVec2(filters_w, ImGui::GetContentRegionAvail().y - readout_h));
        char title[96];
        std::snprintf(title, sizeof title, "Filters of %s: %d of %d\xC3\x97%d",
                      graph.node(conv).name.c_str(), ws.n, ws.h, ws.w);
        // Cut by the maps panel in presenter mode: the short form.
        if (ImGui::CalcTextSize(title).x > filters_w)
            std::snprintf(title, sizeof title, "%d filters %d\xC3\x97%d", ws.n, ws.h, ws.w);
        ImGui::TextUnformatted(title);
        if (ws.c > 1) {
            ImGui::SetNextItemWidth(-1);
            ImGui::SliderInt("##input", &fm.filter_input, 0, ws.c - 1, "input channel %d");
        }
        const Tensor filters = filters_for_input(*weight, fm.filter_input);
        const ColourSettings fcolour{Colormap::Diverging, fm.per_map};
        const std::string fkey = key + "#filters" + std::to_string(fm.filter_input);
        const Atlas& fatlas = textures.atlas(fkey, filters, fcolour);
        const ValueRange fr = display_range_for(fatlas.layer_range, Colormap::Diverging);
        colormap_legend(textures, Colormap::Diverging, fr, filters_w, "filter weights");
        FeatureGridOptions fopt;
        fopt.pixel_grid = fm.pixel_grid;
        fopt.highlight = hovered_map_;
        fopt.min_tile = ui_scaled(12);
        filter_hover =
            feature_grid("filter_grid", fatlas, filters, ImGui::GetContentRegionAvail(), fopt);
        if (filter_hover.channel >= 0) {
            char text[160];
            std::snprintf(text, sizeof text,
                          "filter %d, input channel %d, row %d, col %d: weight %.4g",
                          filter_hover.channel, fm.filter_input, filter_hover.y, filter_hover.x,
                          double(filter_hover.value));
            readout = text;
        }
        if (filter_hover.clicked >= 0) fm.enlarged = filter_hover.clicked;
        ImGui::EndChild();
        ImGui::EndGroup();
        ImGui::SameLine();
    }

    ImGui::BeginChild("maps_panel", ImVec2(0, ImGui::GetContentRegionAvail().y - readout_h));
    const Shape& s = maps.shape();
    char title[96];
    if (atlas->vector)
        std::snprintf(title, sizeof title, "%d units (shown as a %dx%d block)", s.c,
                      atlas->geometry.map_w, atlas->geometry.map_h);
    else if (fm.enlarged >= 0)
        std::snprintf(title, sizeof title, "Map %d of %d (%d\xC3\x97%d): click or Esc to go back",
                      fm.enlarged, s.c, s.h, s.w);
    else
        std::snprintf(title, sizeof title, "Feature maps: %d of %d\xC3\x97%d", s.c, s.h, s.w);
    ImGui::TextUnformatted(title);
    if (fm.enlarged >= 0 && !fm.per_map && !atlas->vector) {
        // A quiet map enlarged in the layer's range is nearly white (or dark): say how to see it.
        const ValueRange& own = atlas->ranges[size_t(fm.enlarged)];
        const float layer_span =
            std::max(std::fabs(atlas->layer_range.lo), std::fabs(atlas->layer_range.hi));
        const float own_span = std::max(std::fabs(own.lo), std::fabs(own.hi));
        const char* hint = "faint in the layer's range: tick Per map to stretch it";
        if (own_span < 0.5f * layer_span &&
            ImGui::CalcTextSize(hint).x + ImGui::GetStyle().ItemSpacing.x <
                ImGui::GetContentRegionAvail().x - ImGui::GetItemRectSize().x) {
            ImGui::SameLine();
            text_dim(hint);
        }
    }
    ValueRange raw = atlas->layer_range;
    if (fm.enlarged >= 0 && fm.per_map) raw = atlas->ranges[size_t(fm.enlarged)];
    colormap_legend(textures, map, display_range_for(raw, map), ImGui::GetContentRegionAvail().x,
                    fm.per_map ? "each map is scaled to its own range; the numbers are the layer's"
                               : "one range for the whole layer");
    FeatureGridOptions opt;
    opt.pixel_grid = fm.pixel_grid;
    opt.enlarged = fm.enlarged;
    opt.highlight = hovered_filter_;
    map_hover = feature_grid("map_grid", *atlas, maps, ImGui::GetContentRegionAvail(), opt);
    if (map_hover.clicked >= 0) fm.enlarged = fm.enlarged >= 0 ? -1 : map_hover.clicked;
    if (map_hover.channel >= 0) {
        char text[160];
        if (atlas->vector)
            std::snprintf(
                text, sizeof text, "unit %d%s%s: %.4g", map_hover.channel,
                map_hover.channel < int(snapshot.class_names.size()) && node == graph.output_index()
                    ? " = "
                    : "",
                map_hover.channel < int(snapshot.class_names.size()) && node == graph.output_index()
                    ? snapshot.class_names[size_t(map_hover.channel)].c_str()
                    : "",
                double(map_hover.value));
        else
            std::snprintf(text, sizeof text, "map %d, row %d, col %d: %.4g", map_hover.channel,
                          map_hover.y, map_hover.x, double(map_hover.value));
        readout = text;
    }
    ImGui::EndChild();
    hovered_filter_ = filter_hover.channel;
    hovered_map_ = atlas->vector ? -1 : map_hover.channel;

    if (readout.empty()) readout = "Hover a map to read its values; click a map to enlarge it.";
    ImGui::AlignTextToFramePadding();
    text_dim(readout.c_str());
}

}  // namespace cl
