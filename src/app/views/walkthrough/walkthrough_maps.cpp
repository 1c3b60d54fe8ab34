// Walkthrough view (walkthrough.h): the three map panels of a step — the maps going into the
// layer, its kernels, the maps coming out — all through the shared feature-grid widget.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/ui.h"
#include "app/views/walkthrough/walkthrough.h"
#include "app/widgets/colormap_legend.h"
#include "app/widgets/feature_grid.h"
#include "engine/filters.h"
#include "engine/render.h"

namespace cl {

namespace {
// weight [O, 3, K, K] on an RGB input: each filter as a K x K colour picture, its three channels
// stretched together to the filter's own range, tiled to fit `size` (drawn as rectangles: at
// most a few ten thousand, no texture needed).
void rgb_kernels(const Tensor& weight, ImVec2 size) {
    const Shape& s = weight.shape();
    const float gap = ui_scaled(3);
    int cols = 1;
    float tile = 0.0f;
    for (int c = 1; c <= s.n; ++c) {
        const int rows = (s.n + c - 1) / c;
        const float t = std::min((size.x - gap * float(c - 1)) / float(c),
                                 (size.y - gap * float(rows - 1)) / float(rows));
        if (t > tile) tile = t, cols = c;
    }
    const float px = std::max(1.0f, std::floor(tile / float(std::max(s.h, s.w))));
    const float side = px * float(std::max(s.h, s.w));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    int hovered = -1;
    for (int o = 0; o < s.n; ++o) {
        float lo = weight.at(o, 0, 0, 0), hi = lo;
        for (int c = 0; c < 3; ++c)
            for (int y = 0; y < s.h; ++y)
                for (int x = 0; x < s.w; ++x) {
                    lo = std::min(lo, weight.at(o, c, y, x));
                    hi = std::max(hi, weight.at(o, c, y, x));
                }
        const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
        const float x0 = p0.x + float(o % cols) * (side + gap);
        const float y0 = p0.y + float(o / cols) * (side + gap);
        for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x) {
                auto v = [&](int c) { return int((weight.at(o, c, y, x) - lo) * scale + 0.5f); };
                dl->AddRectFilled(ImVec2(x0 + px * float(x), y0 + px * float(y)),
                                  ImVec2(x0 + px * float(x + 1), y0 + px * float(y + 1)),
                                  IM_COL32(v(0), v(1), v(2), 255));
            }
        if (mouse.x >= x0 && mouse.x < x0 + side && mouse.y >= y0 && mouse.y < y0 + side)
            hovered = o;
    }
    ImGui::Dummy(size);
    if (hovered >= 0 && ImGui::IsItemHovered())
        ImGui::SetTooltip("kernel %d (%dx%dx3), each filter stretched to its own range", hovered,
                          s.h, s.w);
}
// A handful of single values (a classifier's scores or probabilities, a small fully connected
// layer) as labelled horizontal bars from zero: a grid of 1x1 tiles shows them, but a class's
// name and its number read better. `names`: one per value, or empty for the indices.
void value_bars(const char* id, const std::string& title, const Tensor& t,
                const std::vector<std::string>& names, ImVec2 size) {
    ImGui::BeginChild(id, size, false, ImGuiWindowFlags_NoScrollbar);
    ImGui::TextUnformatted(title.c_str());
    const int n = t.shape().c;
    float lo = 0.0f, hi = 0.0f;
    int best = 0;
    for (int k = 0; k < n; ++k) {
        lo = std::min(lo, t[k]), hi = std::max(hi, t[k]);
        if (t[k] > t[best]) best = k;
    }
    const bool unit_range = lo >= 0.0f && hi <= 1.0f;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeight();
    const float row_h = std::min(avail.y / float(std::max(1, n)), line * 1.5f);
    auto label_of = [&](int k) {
        return size_t(k) < names.size() ? names[size_t(k)] : std::to_string(k);
    };
    float label_w = 0.0f;
    for (int k = 0; k < n; ++k)
        label_w = std::max(label_w, ImGui::CalcTextSize(label_of(k).c_str()).x);
    label_w += ui_scaled(8);
    const float value_w = ImGui::CalcTextSize("-0.000e+00").x;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float x0 = p0.x + label_w,
                x1 = p0.x + std::max(label_w + ui_scaled(40), avail.x - value_w);
    const float span = hi > lo ? hi - lo : 1.0f;
    auto x_of = [&](float v) { return x0 + (x1 - x0) * (v - lo) / span; };
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    int hovered = -1;
    for (int k = 0; k < n; ++k) {
        const float y = p0.y + row_h * float(k);
        const float text_y = y + 0.5f * (row_h - line);
        dl->AddText(ImVec2(p0.x, text_y), k == best ? text : dim, label_of(k).c_str());
        const float a = x_of(0.0f), b = x_of(t[k]);
        const ImU32 colour = t[k] < 0 ? IM_COL32(66, 120, 200, 255) : IM_COL32(214, 96, 77, 255);
        dl->AddRectFilled(ImVec2(std::min(a, b), y + row_h * 0.15f),
                          ImVec2(std::max(a, b) + 1.0f, y + row_h * 0.85f),
                          k == best ? colour : (colour & 0x00FFFFFF) | 0x90000000);
        char value[32];  // probabilities as 0.000 .. 1.000, not 1.95e-08
        std::snprintf(value, sizeof value, unit_range ? "%.3f" : "%.3g", double(t[k]));
        dl->AddText(ImVec2(std::max(a, b) + ui_scaled(4), text_y), k == best ? text : dim, value);
        if (mouse.y >= y && mouse.y < y + row_h && mouse.x >= p0.x && mouse.x < p0.x + avail.x)
            hovered = k;
    }
    dl->AddLine(ImVec2(x_of(0.0f), p0.y), ImVec2(x_of(0.0f), p0.y + row_h * float(n)), dim);
    ImGui::Dummy(ImVec2(avail.x, row_h * float(n)));
    if (hovered >= 0 && ImGui::IsItemHovered())
        ImGui::SetTooltip("%s: %.6g", label_of(hovered).c_str(), double(t[hovered]));
    ImGui::EndChild();
}

bool few_values(const Tensor& t) {  // C x 1 x 1 with few enough C for one bar each
    const Shape& s = t.shape();
    return s.h == 1 && s.w == 1 && s.c <= 20;
}
}  // namespace

// The class names for a node's values when they are the network's answer: the output itself
// or the scores feeding it (logits before a softmax).
std::vector<std::string> WalkthroughView::value_names(const Snapshot& snapshot, int node) const {
    const Graph& graph = *info_.graph;
    const int out = graph.output_index();
    const bool answer =
        node == out || (graph.node(out).inputs.size() == 1 && graph.node(out).inputs[0] == node &&
                        graph.node(out).op->kind() == OpKind::Softmax);
    const int c = snapshot.activations.outputs[size_t(node)].shape().c;
    if (answer && c == int(snapshot.class_names.size())) return snapshot.class_names;
    return {};
}

Colormap WalkthroughView::colormap_of(const Snapshot& snapshot, int node) {
    if (cmap_generation_ != snapshot.result_generation || cmaps_.size() != info_.notes.size()) {
        cmap_generation_ = snapshot.result_generation;
        cmaps_.assign(info_.notes.size(), -1);
    }
    int& cached = cmaps_[size_t(node)];
    if (cached < 0) {
        const bool is_input = info_.graph->node(node).op->kind() == OpKind::Input;
        cached = int(colormap_for(snapshot.activations.outputs[size_t(node)], is_input));
    }
    return Colormap(cached);
}

void WalkthroughView::map_panel(const char* id, const std::string& title, const Tensor& maps,
                                const std::string& key, Colormap map, TextureCache& textures,
                                ImVec2 size, int enlarged) {
    ImGui::BeginChild(id, size, false, ImGuiWindowFlags_NoScrollbar);
    if (!title.empty()) ImGui::TextUnformatted(title.c_str());
    try {
        // One map shown alone gets its own range; a grid shares the layer's.
        const Atlas& atlas = textures.atlas(enlarged >= 0 ? key + "#one" : key, maps,
                                            ColourSettings{map, enlarged >= 0});
        const int shown = enlarged < atlas.geometry.channels ? enlarged : -1;
        const ValueRange raw = shown >= 0 ? atlas.ranges[size_t(shown)] : atlas.layer_range;
        colormap_legend(textures, map, display_range_for(raw, map),
                        ImGui::GetContentRegionAvail().x,
                        shown >= 0 ? "the range of this map" : "one range for all maps shown");
        FeatureGridOptions opt;
        opt.pixel_grid = false;
        opt.min_tile = ui_scaled(8);
        opt.enlarged = shown;
        const FeatureGridHover hover =
            feature_grid(id, atlas, maps, ImGui::GetContentRegionAvail(), opt);
        if (hover.channel >= 0)
            ImGui::SetTooltip("map %d, row %d, col %d: %.4g", hover.channel, hover.y, hover.x,
                              double(hover.value));
    } catch (const std::exception& e) {
        ImGui::TextWrapped("%s", e.what());
    }
    ImGui::EndChild();
}

void WalkthroughView::draw_maps(AppState& state, const Snapshot& snapshot, TextureCache& textures,
                                int node, ImVec2 size) {
    const Graph& graph = *info_.graph;
    const Node& n = graph.node(node);
    const std::string gen = std::to_string(snapshot.result_generation) + "/";
    const Tensor& out = snapshot.activations.outputs[size_t(node)];
    // "64 maps of 224×224", or "64×224×224" where the panel is too narrow for the words.
    auto count = [](const Tensor& t, bool brief) {
        const Shape& s = t.shape();
        char text[96];
        if (s.h == 1 && s.w == 1)
            std::snprintf(text, sizeof text, "%d values", s.c);
        else if (brief)
            std::snprintf(text, sizeof text, "%d\xC3\x97%d\xC3\x97%d", s.c, s.h, s.w);
        else
            std::snprintf(text, sizeof text, "%d map%s of %d\xC3\x97%d", s.c, s.c == 1 ? "" : "s",
                          s.h, s.w);
        return std::string(text);
    };
    auto fit = [](const std::string& full, const std::string& brief, float width) {
        return ImGui::CalcTextSize(full.c_str()).x <= width ? full : brief;
    };
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    if (n.inputs.empty()) {  // the input itself
        map_panel("out_maps", "The input: " + count(out, false), out, gen + n.name,
                  colormap_of(snapshot, node), textures, size, -1);
        return;
    }
    const int in_node = n.inputs[0];
    const Tensor& in = snapshot.activations.outputs[size_t(in_node)];
    const Tensor* weight = n.op->kind() == OpKind::Conv2d ? n.param("weight") : nullptr;
    const float kernels_w = weight ? std::floor((size.x - 2 * gap) * 0.26f) : 0.0f;
    const float in_w = std::floor((size.x - 2 * gap - kernels_w) * 0.45f);
    const float out_w = size.x - in_w - kernels_w - 2 * gap;

    const std::string in_title = fit(
        std::string(n.inputs.size() > 1 ? "In (first of " + std::to_string(n.inputs.size()) + "): "
                                        : "In: ") +
            count(in, false),
        "In: " + count(in, true), in_w);
    if (few_values(in))
        value_bars("in_maps", in_title, in, value_names(snapshot, in_node), ImVec2(in_w, size.y));
    else
        map_panel("in_maps", in_title, in, gen + graph.node(in_node).name,
                  colormap_of(snapshot, in_node), textures, ImVec2(in_w, size.y), -1);
    ImGui::SameLine();
    if (weight) {
        const Shape& ws = weight->shape();
        WalkthroughState& wt = state.walkthrough;
        wt.filter_input = std::clamp(wt.filter_input, 0, ws.c - 1);
        ImGui::BeginChild("kernels", ImVec2(kernels_w, size.y), false,
                          ImGuiWindowFlags_NoScrollbar);
        char title[96], brief[64];
        std::snprintf(title, sizeof title, "Kernels: %d of %d\xC3\x97%d", ws.n, ws.h, ws.w);
        std::snprintf(brief, sizeof brief, "Kernels %d\xC3\x97%d", ws.h, ws.w);
        ImGui::TextUnformatted(fit(title, brief, kernels_w).c_str());
        const bool rgb_input = ws.c == 3 && graph.input_shape().c == 3 &&
                               graph.node(in_node).op->kind() == OpKind::Input;
        if (rgb_input) {
            const char* full = "in colour (R, G, B)";
            const bool room = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
                                  ImGui::CalcTextSize(full).x <=
                              ImGui::GetContentRegionAvail().x;
            ImGui::Checkbox(room ? full : "RGB##rgb", &wt.rgb_kernels);
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip(
                    "Each kernel's three input channels as one colour picture, "
                    "stretched to its own range (as in the AlexNet paper).\nOff: "
                    "one input channel at a time, blue-white-red around 0.");
        }
        if (rgb_input && wt.rgb_kernels) {
            rgb_kernels(*weight, ImGui::GetContentRegionAvail());
        } else {
            if (ws.c > 1) {
                ImGui::SetNextItemWidth(-1);
                ImGui::SliderInt("##input", &wt.filter_input, 0, ws.c - 1, "input channel %d");
            }
            const Tensor filters = filters_for_input(*weight, wt.filter_input);
            map_panel("kernel_maps", "", filters,
                      gen + n.name + "#walk-filters" + std::to_string(wt.filter_input),
                      Colormap::Diverging, textures, ImGui::GetContentRegionAvail(), -1);
        }
        ImGui::EndChild();
        ImGui::SameLine();
    }
    const std::string out_title =
        fit("Out: " + count(out, false), "Out: " + count(out, true), out_w);
    if (few_values(out))
        value_bars("out_maps", out_title, out, value_names(snapshot, node), ImVec2(out_w, size.y));
    else
        map_panel("out_maps", out_title, out, gen + n.name, colormap_of(snapshot, node), textures,
                  ImVec2(out_w, size.y), -1);
}

}  // namespace cl
