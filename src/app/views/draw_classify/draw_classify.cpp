// Draw & Classify view (see draw_classify.h): the pad and its tools on the left, the 28x28 input
// and the class probabilities beside it, and the strip of every layer underneath.
#include "app/views/draw_classify/draw_classify.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app/ui.h"
#include "app/widgets/feature_grid.h"
#include "engine/io/image.h"
#include "engine/io/model_input.h"
#include "engine/render.h"

namespace cl {

namespace {
// Bar colours, fixed (not themed) so that GUI tests can find the chart and its top class.
const ImU32 k_track = IM_COL32(44, 56, 78, 255);
const ImU32 k_bar = IM_COL32(70, 130, 200, 255);
const ImU32 k_top_bar = IM_COL32(255, 165, 0, 255);

std::string shape_text(const Shape& s) {
    // In words with spaces, so that a narrow column (presenter zoom) wraps it.
    if (s.h == 1 && s.w == 1) return std::to_string(s.c) + " units";
    return std::to_string(s.c) + (s.c == 1 ? " map of " : " maps of ") + std::to_string(s.h) +
           "\xC3\x97" + std::to_string(s.w);
}

// Classroom words for where a layer sits: before the second convolution it sees strokes and
// edges; after it, parts of the shapes; then evidence for each class, then the answer.
enum class Level { Low, Parts, Evidence, Output };

Level level_of(const Graph& graph, int node) {
    const Node& n = graph.node(node);
    if (n.op->kind() == OpKind::Softmax) return Level::Output;
    if (n.shape.h == 1 && n.shape.w == 1) return Level::Evidence;
    int convs = 0;
    for (int i = 0; i <= node; ++i)
        if (graph.node(i).op && graph.node(i).op->kind() == OpKind::Conv2d) ++convs;
    return convs <= 1 ? Level::Low : Level::Parts;
}

std::string level_text(Level level, bool digits) {
    switch (level) {
        case Level::Low:
            return "low-level: strokes and edges";
        case Level::Parts:
            return digits ? "high-level: parts of digits" : "high-level: parts of shapes";
        case Level::Evidence:
            return digits ? "high-level: evidence for each digit"
                          : "high-level: evidence for each class";
        default:
            return "output: class probabilities";
    }
}

int argmax(const Tensor& t) {
    int best = 0;
    for (int k = 1; k < int(t.numel()); ++k)
        if (t[k] > t[best]) best = k;
    return best;
}

}  // namespace

bool DrawClassifyView::shown_in_strip(const Graph& graph, int node) const {
    const Node& n = graph.node(node);
    if (!n.op) return false;
    const OpKind k = n.op->kind();
    if (k == OpKind::Input || k == OpKind::Flatten || k == OpKind::Dropout) return false;
    // The ReLU after a fully connected layer adds little to a strip that is already full; in a
    // compact strip the ReLU maps (the conv maps without their negative part) go too.
    const bool vector = n.shape.h == 1 && n.shape.w == 1;
    return !((vector || compact_) && k == OpKind::Relu);
}

const char* DrawClassifyView::help() const {
    return "Draw & Classify: draw a digit with the mouse in the black pad and watch a trained "
           "LeNet-5 read it while you draw.\n\n"
           "Network (the menu at the top): LeNet-5 trained on MNIST digits, the same network "
           "trained on Fashion-MNIST clothes, or 'Open ONNX model...' for any network that reads "
           "28x28 grey images.\n\n"
           "Tools: brush width, eraser, clear, undo (one whole stroke), and 'Load' to start from "
           "test image number N of the data set.\n\n"
           "'What the network sees' is your drawing after the data set's preparation: for digits "
           "fitted into 20x20 pixels and centred by its centre of mass in 28x28, as MNIST was.\n\n"
           "The bars are the network's probabilities for each class; the orange bar is its "
           "answer. Hover a bar to read the raw score (logit) before the softmax.\n\n"
           "Underneath: every layer from left to right. The first layers find strokes and edges "
           "(low-level); later ones combine them into parts and evidence for each class "
           "(high-level). Hover a unit: the yellow square on 'What the network sees' shows the "
           "input pixels it depends on, cyan frames show the units of the layer before that feed "
           "it, and the tooltip shows its value and, for conv and fc units, the sum of products "
           "that made it. Click a layer to open it in Feature Maps.\n\n"
           "Kernel surgery: the numbered buttons under conv1 switch one of its filters off "
           "(purple ones hold a kernel from the Kernel Lab); the red 'MODIFIED' badge resets the "
           "network.";
}

void DrawClassifyView::draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) {
    if (!snapshot.ok()) {
        ImGui::TextUnformatted(
            "Loading the model and computing its first forward pass\xE2\x80\xA6");
        return;
    }
    if (draw_unsupported_model(state, snapshot)) return;
    handle_keys(state);
    if (example_pending_) load_pending_example(state);
    if (!state.request.input_tensor && pad_.empty()) {
        // The program opens on an example: what the network sees is put into the pad, so that
        // the pad and the bars agree until the student draws. The built-in sample is a digit,
        // so the Fashion network starts from a test image of its own instead.
        if (fashion_model(state))
            load_example(state);
        else
            pad_.set_background(snapshot.activations.outputs[0], true);
    }
    hovered_ = hovered_next_.node < snapshot.graph->size() ? hovered_next_ : HoveredUnit{};
    hovered_next_ = HoveredUnit{};
    update_hover(snapshot);

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float y_start = ImGui::GetCursorPosY();
    compact_ = false;
    int columns = 0;
    for (int i = 0; i < snapshot.graph->size(); ++i) columns += shown_in_strip(*snapshot.graph, i);
    compact_ = avail.x < columns * 7.0f * ImGui::GetFontSize();
    const float top_h = std::floor(avail.y * (compact_ ? 0.55f : 0.58f));
    float pad_side = std::max(ui_scaled(120), top_h - ImGui::GetFrameHeightWithSpacing());
    const float tools_w = ui_scaled(230);
    // Under the tools, the 28x28 gets what the tools and the two-line readout of the hovered
    // unit leave. When that is a small part of the row (presenter zoom), the 28x28 gets a
    // column of its own, taken from the pad, and the readout goes under the tools.
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float tools_h = 4 * ImGui::GetFrameHeightWithSpacing() + style.ItemSpacing.y;
    const float readout_h = 2 * line;
    const float under_side = std::min(tools_w, top_h - tools_h - readout_h) - line;
    const float gap = style.ItemSpacing.x;
    const float room = avail.x - tools_w - ui_scaled(240) - 3 * gap;  // for the pad and the 28x28
    const float beside_side = std::floor(std::min({top_h - line, room / 2, pad_side}));
    const bool beside = under_side < 0.4f * top_h && beside_side > 1.5f * under_side;
    if (beside) pad_side = std::min(pad_side, room - beside_side);

    ImGui::BeginGroup();
    const char* title = fashion_model(state) ? "Draw a piece of clothing" : "Draw a digit";
    const char* hint = pad_.drawing() ? "(drawing\xE2\x80\xA6)" : "(hold the left mouse button)";
    ImGui::TextUnformatted(title);
    // The hint only where it fits: a wider title line would push the tools to the right.
    if (ImGui::CalcTextSize(title).x + ImGui::CalcTextSize(hint).x + style.ItemSpacing.x <=
        pad_side) {
        ImGui::SameLine();
        text_dim(hint);
    }
    if (pad_.draw("pad", pad_side, state.draw)) submit_drawing(state);
    if ((pad_.empty() || pad_.placeholder()) && !pad_.drawing()) {
        const char* pad_hint = pad_.empty() ? "draw here" : "an example: draw to replace it";
        if (ImGui::CalcTextSize(pad_hint).x > pad_side - ui_scaled(8))
            pad_hint = pad_.empty() ? "draw here" : "draw to replace it";
        const ImVec2 ts = ImGui::CalcTextSize(pad_hint);
        ImGui::GetWindowDrawList()->AddText(
            ImVec2(pad_.origin().x + (pad_side - ts.x) * 0.5f,
                   pad_.empty() ? pad_.origin().y + pad_side * 0.5f
                                : pad_.origin().y + pad_side - ts.y - ui_scaled(8)),
            IM_COL32(150, 150, 150, 255), pad_hint);
    }
    ImGui::EndGroup();
    ImGui::SameLine();

    ImGui::BeginGroup();
    draw_tools(state, tools_w);
    ImGui::Spacing();
    if (beside) {
        draw_unit_readout(snapshot, tools_w);
        ImGui::EndGroup();
        ImGui::SameLine();
        ImGui::BeginGroup();
        draw_network_input(snapshot, beside_side,
                           std::min(top_h, beside_side + ImGui::GetFrameHeightWithSpacing()));
    } else {
        draw_network_input(
            snapshot, tools_w,
            std::min(tools_w, top_h - readout_h - (ImGui::GetCursorPosY() - y_start)));
        draw_unit_readout(snapshot, tools_w);
    }
    ImGui::EndGroup();
    ImGui::SameLine();

    const float probs_w = ImGui::GetContentRegionAvail().x;
    draw_probabilities(state, snapshot, ImVec2(probs_w, top_h));

    ImGui::SetCursorPosY(y_start + top_h + style.ItemSpacing.y);
    draw_layer_strip(state, snapshot, textures, ImGui::GetContentRegionAvail());
}

void DrawClassifyView::draw_tools(AppState& state, float width) {
    DrawState& d = state.draw;
    draw_model_choice(state, width);
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    float px = d.brush * 2.0f * 28.0f;  // in MNIST pixels of a full-pad digit
    // The words outside the slider: written inside, they ran under the grab.
    char value[32];
    std::snprintf(value, sizeof value, "%.1f px", double(px));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("brush");
    ImGui::SameLine();
    const float value_w = ImGui::CalcTextSize("10.0 px").x;
    ImGui::SetNextItemWidth(
        std::max(ui_scaled(40), width - ImGui::CalcTextSize("brush").x - value_w - 2 * spacing));
    if (ImGui::SliderFloat("##brush", &px, 0.6f, 10.0f, "")) d.brush = px / 56.0f;
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Brush width, in pixels of the 28x28 the network sees");
    ImGui::SameLine();
    ImGui::TextUnformatted(value);
    const float third = std::floor((width - 2 * spacing) / 3.0f);
    if (ImGui::Button(d.eraser ? "Brush" : "Eraser", ImVec2(third, 0))) d.eraser = !d.eraser;
    ImGui::SameLine();
    ImGui::BeginDisabled(pad_.empty());
    if (ImGui::Button("Clear", ImVec2(third, 0))) {
        pad_.clear();
        submit_drawing(state);
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Undo", ImVec2(width - 2 * (third + spacing), 0)) && pad_.undo())
        submit_drawing(state);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Take back the last stroke");
    const float half = (width - spacing) * 0.5f;
    ImGui::SetNextItemWidth(half);
    ImGui::InputInt("##digit", &d.mnist_index, 1, 100);
    d.mnist_index = std::max(0, d.mnist_index);
    ImGui::SameLine();
    const bool fashion = fashion_model(state);
    if (ImGui::Button(fashion ? "Load Fashion" : "Load MNIST", ImVec2(half, 0)))
        load_example(state);
    const std::string error = services_.datasets.error(fashion ? "fashion-mnist" : "mnist", "test");
    if (ImGui::IsItemHovered()) {
        if (error.empty())
            ImGui::SetTooltip("Put test image number %d of %s into the pad", d.mnist_index,
                              fashion ? "Fashion-MNIST" : "MNIST");
        else if (fashion)
            ImGui::SetTooltip("Fashion-MNIST is not installed: %s", error.c_str());
        else
            ImGui::SetTooltip("MNIST is not installed (%s); the sample digits are used instead.",
                              error.c_str());
    }
}

void DrawClassifyView::draw_probabilities(AppState& state, const Snapshot& snapshot, ImVec2 size) {
    const Graph& graph = *snapshot.graph;
    const int out_node = graph.output_index();
    const Tensor& out = snapshot.activations.outputs[size_t(out_node)];
    const int classes = out.shape().c;
    const bool softmax = graph.node(out_node).op->kind() == OpKind::Softmax;
    const Tensor* logits =
        softmax && !graph.node(out_node).inputs.empty()
            ? &snapshot.activations.outputs[size_t(graph.node(out_node).inputs[0])]
            : nullptr;
    const int best = argmax(out);
    auto name = [&](int k) {
        return k < int(snapshot.class_names.size()) ? snapshot.class_names[size_t(k)]
                                                    : std::to_string(k);
    };

    ImGui::BeginChild("probabilities", size, false);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    // The answer, large enough to read from the back of the room.
    const float big = std::floor(std::min(size.y * 0.3f, ui_scaled(130)));
    ImFont* font = ImGui::GetFont();
    const std::string answer = name(best);
    // A long class name ("Ankle boot") is drawn smaller so that the sentence beside it fits.
    float answer_size = big;
    const float full_w = font->CalcTextSizeA(big, FLT_MAX, 0.0f, answer.c_str()).x;
    if (full_w > size.x * 0.4f) answer_size = std::floor(big * size.x * 0.4f / full_w);
    dl->AddText(font, answer_size, ImVec2(p0.x, p0.y + (big - answer_size) * 0.5f), k_top_bar,
                answer.c_str());
    const float answer_w = font->CalcTextSizeA(answer_size, FLT_MAX, 0.0f, answer.c_str()).x;
    char text[96];
    std::snprintf(text, sizeof text, softmax ? "the network says %s, p = %.2f" : "top class %s",
                  answer.c_str(), double(out[best]));
    // A long class name is already large on the left; the probability alone fits.
    if (softmax && ImGui::CalcTextSize(text).x > size.x - answer_w - ui_scaled(16))
        std::snprintf(text, sizeof text, "p = %.2f", double(out[best]));
    dl->AddText(ImVec2(p0.x + answer_w + ui_scaled(16), p0.y + big * 0.5f - ImGui::GetFontSize()),
                ImGui::GetColorU32(ImGuiCol_Text), text);
    dl->AddText(ImVec2(p0.x + answer_w + ui_scaled(16), p0.y + big * 0.5f + ui_scaled(2)),
                ImGui::GetColorU32(ImGuiCol_TextDisabled),
                ("input: " + snapshot.input_label).c_str());
    if (state.request.modified()) {
        ImGui::SetCursorScreenPos(ImVec2(p0.x + answer_w + ui_scaled(16),
                                         p0.y + big * 0.5f + ImGui::GetFontSize() + ui_scaled(8)));
        draw_modified_badge(state);
    }

    const float top = p0.y + big + ui_scaled(10);
    float label_w = ui_scaled(28);  // digits; Fashion-MNIST's "T-shirt/top" needs more
    for (int k = 0; k < classes; ++k)
        label_w = std::max(label_w, ImGui::CalcTextSize(name(k).c_str()).x + ui_scaled(10));
    label_w = std::min(label_w, size.x * 0.4f);
    const float value_w = ImGui::CalcTextSize("0.000").x + ui_scaled(10);
    const float row_h = std::floor((p0.y + size.y - top) / std::max(classes, 1));
    const float bar_x0 = p0.x + label_w, bar_x1 = p0.x + size.x - value_w;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    for (int k = 0; k < classes; ++k) {
        const float y = top + k * row_h;
        const float h = std::max(2.0f, row_h * 0.72f);
        const float yb = y + (row_h - h) * 0.5f;
        const std::string label = name(k);
        dl->AddText(ImVec2(p0.x, y + (row_h - ImGui::GetFontSize()) * 0.5f),
                    ImGui::GetColorU32(k == best ? ImGuiCol_Text : ImGuiCol_TextDisabled),
                    label.c_str());
        dl->AddRectFilled(ImVec2(bar_x0, yb), ImVec2(bar_x1, yb + h), k_track);
        const float p = std::clamp(out[k], 0.0f, 1.0f);
        if (p > 0.0f)
            dl->AddRectFilled(ImVec2(bar_x0, yb), ImVec2(bar_x0 + (bar_x1 - bar_x0) * p, yb + h),
                              k == best ? k_top_bar : k_bar);
        std::snprintf(text, sizeof text, "%.3f", double(out[k]));
        dl->AddText(ImVec2(bar_x1 + ui_scaled(6), y + (row_h - ImGui::GetFontSize()) * 0.5f),
                    ImGui::GetColorU32(ImGuiCol_Text), text);
        if (ImGui::IsWindowHovered() && mouse.y >= y && mouse.y < y + row_h && mouse.x >= p0.x &&
            mouse.x < p0.x + size.x) {
            if (logits)
                ImGui::SetTooltip("%s: p = %.4f\nlogit (score before the softmax) = %.3f",
                                  label.c_str(), double(out[k]), double((*logits)[k]));
            else
                ImGui::SetTooltip("%s: %.4f", label.c_str(), double(out[k]));
        }
    }
    ImGui::EndChild();
}

void DrawClassifyView::draw_layer_strip(AppState& state, const Snapshot& snapshot,
                                        TextureCache& textures, ImVec2 size) {
    const Graph& graph = *snapshot.graph;
    std::vector<int> nodes;
    for (int i = 0; i < graph.size(); ++i)
        if (shown_in_strip(graph, i)) nodes.push_back(i);
    if (nodes.empty()) return;
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    // fc layers are drawn as small square tiles and get narrower columns than map grids.
    std::vector<float> col_w;
    float weights = 0;
    for (int node : nodes) weights += graph.node(node).shape.h == 1 ? 0.7f : 1.0f;
    const ImGuiStyle& style = ImGui::GetStyle();
    for (int node : nodes) {
        const float share = std::floor((size.x - gap * (nodes.size() - 1)) *
                                       (graph.node(node).shape.h == 1 ? 0.7f : 1.0f) / weights);
        // never so narrow that the layer's name is cut off
        const float name_w = ImGui::CalcTextSize(graph.node(node).name.c_str()).x +
                             2 * (style.FramePadding.x + style.WindowPadding.x) + 2;
        col_w.push_back(std::max(share, name_w));
    }
    // What the name widths took is taken back from the wide columns.
    float total = gap * (nodes.size() - 1);
    for (float w : col_w) total += w;
    for (size_t j = 0; j < col_w.size() && total > size.x; ++j)
        if (graph.node(nodes[j]).shape.h > 1) {
            const float cut = std::min(total - size.x, std::ceil((total - size.x) / 2));
            col_w[j] -= cut;
            total -= cut;
        }

    // One band over each run of layers of the same level, so that the columns keep their room.
    const bool digits = !snapshot.class_names.empty() && snapshot.class_names[0] == "0";
    const ImVec2 band0 = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float band_h = 0, x = band0.x;
    for (size_t j = 0; j < nodes.size();) {
        const Level level = level_of(graph, nodes[j]);
        float w = col_w[j];
        size_t k = j + 1;
        for (; k < nodes.size() && level_of(graph, nodes[k]) == level; ++k) w += gap + col_w[k];
        std::string text = level_text(level, digits);
        // A narrow run gets the short name ("output") rather than a column of broken words.
        if (ImGui::CalcTextSize(text.c_str()).x > 2 * (w - ui_scaled(8)))
            text = text.substr(0, text.find(':'));
        ImGui::SetCursorScreenPos(ImVec2(x + ui_scaled(4), band0.y));
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - ui_scaled(8));
        text_dim(text.c_str());
        ImGui::PopTextWrapPos();
        band_h = std::max(band_h, ImGui::GetItemRectMax().y - band0.y);
        x += w + gap;
        j = k;
    }
    // A bracket under each band's text, spanning its columns.
    band_h += ui_scaled(3);
    x = band0.x;
    for (size_t j = 0; j < nodes.size();) {
        float w = col_w[j];
        size_t k = j + 1;
        for (; k < nodes.size() && level_of(graph, nodes[k]) == level_of(graph, nodes[j]); ++k)
            w += gap + col_w[k];
        const ImU32 line = ImGui::GetColorU32(ImGuiCol_TextDisabled);
        const float y = band0.y + band_h, tick = ui_scaled(4);
        dl->AddLine(ImVec2(x + 2, y), ImVec2(x + w - 2, y), line);
        dl->AddLine(ImVec2(x + 2, y), ImVec2(x + 2, y + tick), line);
        dl->AddLine(ImVec2(x + w - 2, y), ImVec2(x + w - 2, y + tick), line);
        x += w + gap;
        j = k;
    }
    ImGui::SetCursorScreenPos(ImVec2(band0.x, band0.y + band_h + ui_scaled(6)));
    const float col_h = size.y - band_h - ui_scaled(6);

    for (size_t j = 0; j < nodes.size(); ++j) {
        const int node = nodes[j];
        const Node& n = graph.node(node);
        const Tensor& maps = snapshot.activations.outputs[size_t(node)];
        if (j > 0) ImGui::SameLine(0, gap);
        // Scrolls only when presenter zoom leaves too little room for the maps.
        ImGui::BeginChild(n.name.c_str(), ImVec2(col_w[j], col_h), true);
        ImGui::PushID(node);
        if (ImGui::Button(n.name.c_str(), ImVec2(-1, 0))) {
            state.feature_maps.layer = n.name;
            state.feature_maps.enlarged = -1;
            state.view = "feature-maps";
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open %s in Feature Maps", n.name.c_str());
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s", shape_text(n.shape).c_str());
        ImGui::PopStyleColor();
        const bool surgery = n.op->kind() == OpKind::Conv2d && n.shape.c <= 8 && j == 0;
        ImVec2 grid_size = ImGui::GetContentRegionAvail();
        if (surgery) {
            // the label and the rows of channel buttons of draw_surgery
            const ImGuiStyle& st = ImGui::GetStyle();
            const float button_w =
                ImGui::CalcTextSize("0").x + 2 * st.FramePadding.x + st.ItemSpacing.x;
            const int per_row = std::max(1, int((grid_size.x + st.ItemSpacing.x) / button_w));
            const int rows = (n.shape.c + per_row - 1) / per_row;
            const float label_h =
                ImGui::CalcTextSize(compact_ ? "switch off:" : "switch a filter off:", nullptr,
                                    false, grid_size.x)
                    .y;
            const float controls_h = label_h + st.ItemSpacing.y +
                                     rows * (ImGui::GetTextLineHeight() + st.ItemSpacing.y) +
                                     st.ItemSpacing.y;
            // In a cramped column (presenter zoom) the maps keep the room; the buttons scroll.
            if (controls_h < 0.62f * grid_size.y) grid_size.y -= controls_h;
        }
        const ColourSettings colour{colormap_for(maps, false), false};
        const std::string key = std::to_string(snapshot.result_generation) + "/draw/" + n.name;
        try {
            const Atlas& atlas = textures.atlas(key, maps, colour);
            FeatureGridOptions options;
            options.pixel_grid = false;
            options.min_tile = 3.0f;
            if (hovered_.node == node) options.highlight = hovered_.channel;
            options.marks = marks_for(node);
            const FeatureGridHover h = feature_grid("grid", atlas, maps, grid_size, options);
            if (h.channel >= 0) {
                hovered_next_ = HoveredUnit{node, h.channel, h.y, h.x, h.value};
                if (atlas.vector) hovered_next_.y = hovered_next_.x = 0;
                const HoveredUnit& a = hovered_;
                const HoveredUnit& b = hovered_next_;
                // Last frame's analysis, shown when the mouse is still on the same unit.
                if (a.node == b.node && a.channel == b.channel && a.y == b.y && a.x == b.x)
                    draw_unit_tooltip(snapshot);
            }
            if (h.clicked >= 0) {
                state.feature_maps.layer = n.name;
                state.feature_maps.enlarged = h.clicked;
                state.view = "feature-maps";
            }
        } catch (const std::exception& e) {
            ImGui::TextWrapped("%s", e.what());
        }
        if (surgery) draw_surgery(state, n);
        ImGui::PopID();
        ImGui::EndChild();
    }
}

}  // namespace cl
