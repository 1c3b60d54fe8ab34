// Draw & Classify, the hovered unit: the units of the previous layer in the strip that feed it
// (framed in cyan in their grid), the input pixels it depends on (framed in yellow on "What the
// network sees") and a tooltip with its value and, for a conv or fc unit, the dot product that
// made it with the real weights and activations.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "app/ui.h"
#include "app/views/draw_classify/draw_classify.h"
#include "engine/receptive_field.h"

namespace cl {

namespace {
const char* k_times = "\xC3\x97";  // ×
// The receptive-field frame, fixed (not themed) so that GUI tests can find it.
const ImU32 k_field = IM_COL32(255, 210, 0, 255);

// "pool2 map 4 (row 2, col 3)", "fc1 unit 17"; a flatten's unit is named by the map unit it is.
std::string unit_name(const Graph& graph, int node, int c, int y, int x) {
    const Node& n = graph.node(node);
    if (n.op && n.op->kind() == OpKind::Flatten) {
        const UnitRegion r = feeding_units(graph, node, c, y, x);
        if (r.count() == 1) return unit_name(graph, r.node, r.c0, r.y0, r.x0);
    }
    char text[128];
    // The ReLU after an fc layer has no column of its own: name its units by that layer.
    if (n.op && n.op->kind() == OpKind::Relu && n.shape.h == 1 && n.shape.w == 1 &&
        n.inputs.size() == 1) {
        std::snprintf(text, sizeof text, "%s unit %d after ReLU",
                      graph.node(n.inputs[0]).name.c_str(), c);
        return text;
    }
    if (n.shape.h == 1 && n.shape.w == 1)
        std::snprintf(text, sizeof text, "%s unit %d", n.name.c_str(), c);
    else
        std::snprintf(text, sizeof text, "%s map %d (row %d, col %d)", n.name.c_str(), c, y, x);
    return text;
}

// "the 2×2 window of relu2 map 3", "a 5×5 window in 6 maps of pool1", "all 120 units of fc1",
// "conv1 map 2 (row 3, col 4) = 0.410"
std::string region_text(const Graph& graph, const Activations& acts, const UnitRegion& r) {
    const Node& n = graph.node(r.node);
    if (r.count() == 1) {
        char value[32];
        std::snprintf(value, sizeof value, " = %.3f",
                      double(acts.outputs[size_t(r.node)].at(0, r.c0, r.y0, r.x0)));
        return unit_name(graph, r.node, r.c0, r.y0, r.x0) + value;
    }
    const bool vector = n.shape.h == 1 && n.shape.w == 1;
    char text[160];
    if (r.count() == int64_t(n.shape.c) * n.shape.h * n.shape.w && r.count() > 1)
        std::snprintf(text, sizeof text, "all %lld %s of %s", static_cast<long long>(r.count()),
                      vector ? "units" : "values", n.name.c_str());
    else if (vector)
        std::snprintf(text, sizeof text, "%s units %d\xE2\x80\x93%d", n.name.c_str(), r.c0, r.c1);
    else if (r.c0 == r.c1)
        std::snprintf(text, sizeof text, "the %d%s%d window of %s map %d", r.y1 - r.y0 + 1, k_times,
                      r.x1 - r.x0 + 1, n.name.c_str(), r.c0);
    else
        std::snprintf(text, sizeof text, "a %d%s%d window in %d maps of %s", r.y1 - r.y0 + 1,
                      k_times, r.x1 - r.x0 + 1, r.c1 - r.c0 + 1, n.name.c_str());
    return text;
}
}  // namespace

void DrawClassifyView::update_hover(const Snapshot& snapshot) {
    feeders_ = UnitRegion{};
    dot_ = UnitDotProduct{};
    dot_error_.clear();
    if (hovered_.node < 0) return;
    const Graph& graph = *snapshot.graph;
    try {
        // Layers left out of the strip (flatten, the ReLU after an fc layer) are looked through.
        feeders_ = feeding_units(graph, hovered_.node, hovered_.channel, hovered_.y, hovered_.x);
        while (!feeders_.empty() && feeders_.node > 0 && !shown_in_strip(graph, feeders_.node))
            feeders_ = feeding_units(graph, feeders_);
        if (has_dot_product(graph, hovered_.node))
            dot_ = unit_dot_product(graph, snapshot.activations, hovered_.node, hovered_.channel,
                                    hovered_.y, hovered_.x);
    } catch (const std::exception& e) {
        dot_error_ = e.what();
    }
}

UnitMarks DrawClassifyView::marks_for(int node) const {
    if (feeders_.empty() || feeders_.node != node) return {};
    return {feeders_.c0, feeders_.c1, feeders_.y0, feeders_.y1, feeders_.x0, feeders_.x1};
}

void DrawClassifyView::draw_unit_tooltip(const Snapshot& snapshot) {
    if (hovered_.node < 0) return;
    const Graph& graph = *snapshot.graph;
    const Node& n = graph.node(hovered_.node);
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::Text("%s = %.3f",
                unit_name(graph, hovered_.node, hovered_.channel, hovered_.y, hovered_.x).c_str(),
                double(hovered_.value));
    if (dot_.input_node >= 0) {
        const int terms = int(dot_.terms.size());
        if (dot_.kernel > 1)
            ImGui::Text("= sum of %d products (%d channel%s %s %d%s%d) + bias", terms,
                        dot_.channels, dot_.channels == 1 ? "" : "s", k_times, dot_.kernel, k_times,
                        dot_.kernel);
        else
            ImGui::Text("= sum of %d products (weight %s input) + bias", terms, k_times);
        ImGui::Text("= %.3f %s %.3f = %.3f", dot_.sum, dot_.bias < 0 ? "-" : "+",
                    double(std::abs(dot_.bias)), double(dot_.value()));
        text_dim("largest products (weight \xC3\x97 input):");
        for (int i : largest_terms(dot_, 4)) {
            const DotTerm& t = dot_.terms[size_t(i)];
            const std::string from = t.padding
                                         ? std::string("padding")
                                         : unit_name(graph, dot_.input_node, t.channel, t.y, t.x);
            ImGui::Text("  %+.3f = %.3f %s %.3f  %s", double(t.product()), double(t.weight),
                        k_times, double(t.input), from.c_str());
        }
    } else if (!dot_error_.empty()) {
        ImGui::TextUnformatted(dot_error_.c_str());
    } else if (!feeders_.empty()) {
        const OpKind k = n.op->kind();
        const char* how = k == OpKind::MaxPool2d   ? "the largest of"
                          : k == OpKind::AvgPool2d ? "the average of"
                          : k == OpKind::Relu      ? "max(0, x) of"
                          : k == OpKind::Softmax   ? "e^x / (sum of e^x) over"
                                                   : "made from";
        ImGui::Text("= %s %s", how, region_text(graph, snapshot.activations, feeders_).c_str());
    }
    if (!feeders_.empty() && feeders_.node > 0)
        text_dim(("cyan: the " + graph.node(feeders_.node).name + " units it reads").c_str());
    text_dim("yellow on \"What the network sees\": the input pixels it depends on");
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void DrawClassifyView::draw_network_input(const Snapshot& snapshot, float width, float side) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted("What the network sees");
    ImGui::PopTextWrapPos();
    side = std::floor(std::max(side - ImGui::GetFrameHeightWithSpacing(), 28.0f) / 28.0f) * 28.0f;
    const Tensor& in = snapshot.activations.outputs[0];
    const float cell = side / 28.0f;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(side, side));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, ImVec2(p0.x + side, p0.y + side), IM_COL32(0, 0, 0, 255));
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) {
            const float v = std::clamp(in.at(0, 0, y, x), 0.0f, 1.0f);
            if (v <= 0.0f) continue;
            const int g = int(v * 255 + 0.5f);
            const ImVec2 q(p0.x + x * cell, p0.y + y * cell);
            dl->AddRectFilled(q, ImVec2(q.x + cell, q.y + cell), IM_COL32(g, g, g, 255));
        }
    dl->AddRect(p0, ImVec2(p0.x + side, p0.y + side), IM_COL32(128, 128, 128, 255));
    if (hovered_.node >= 0) {
        // The input pixels the hovered unit depends on: a yellow frame, the rest dimmed.
        const InputWindow w = clip_window(
            receptive_field(*snapshot.graph, hovered_.node, hovered_.y, hovered_.x), 28, 28);
        const ImVec2 a(p0.x + w.x0 * cell, p0.y + w.y0 * cell);
        const ImVec2 b(p0.x + (w.x1 + 1) * cell, p0.y + (w.y1 + 1) * cell);
        const ImU32 dim = IM_COL32(0, 0, 0, 150);
        dl->AddRectFilled(p0, ImVec2(p0.x + side, a.y), dim);
        dl->AddRectFilled(ImVec2(p0.x, b.y), ImVec2(p0.x + side, p0.y + side), dim);
        dl->AddRectFilled(ImVec2(p0.x, a.y), ImVec2(a.x, b.y), dim);
        dl->AddRectFilled(ImVec2(b.x, a.y), ImVec2(p0.x + side, b.y), dim);
        dl->AddRect(a, b, k_field, 0.0f, 0, ui_scaled(2));
    }
}

void DrawClassifyView::draw_unit_readout(const Snapshot& snapshot, float width) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    if (hovered_.node >= 0) {
        const InputWindow w = clip_window(
            receptive_field(*snapshot.graph, hovered_.node, hovered_.y, hovered_.x), 28, 28);
        const Node& n = snapshot.graph->node(hovered_.node);
        char text[160];
        if (w.all)
            std::snprintf(text, sizeof text, "%s unit %d\n= %.3f, sees the whole image",
                          n.name.c_str(), hovered_.channel, double(hovered_.value));
        else
            std::snprintf(text, sizeof text, "%s map %d, row %d, col %d\n= %.3f, sees %dx%d pixels",
                          n.name.c_str(), hovered_.channel, hovered_.y, hovered_.x,
                          double(hovered_.value), w.x1 - w.x0 + 1, w.y1 - w.y0 + 1);
        ImGui::TextWrapped("%s", text);
    } else {
        text_dim("hover a unit below: its input pixels");
    }
    ImGui::PopTextWrapPos();
}

}  // namespace cl
