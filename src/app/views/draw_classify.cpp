// Draw & Classify view (see draw_classify.h): the pad and its tools on the left, the 28x28 input
// and the class probabilities beside it, and the strip of every layer underneath.
#include "app/views/draw_classify.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "app/input_source.h"
#include "app/ui.h"
#include "app/widgets/feature_grid.h"
#include "engine/io/image.h"
#include "engine/receptive_field.h"
#include "engine/render.h"

namespace cl {

namespace {
// Bar colours, fixed (not themed) so that GUI tests can find the chart and its top class.
const ImU32 k_track = IM_COL32(44, 56, 78, 255);
const ImU32 k_bar = IM_COL32(70, 130, 200, 255);
const ImU32 k_top_bar = IM_COL32(255, 165, 0, 255);
const ImU32 k_field = IM_COL32(255, 210, 0, 255);

bool shown_in_strip(const Graph& graph, int i) {
    const Node& n = graph.node(i);
    if (!n.op) return false;
    const OpKind k = n.op->kind();
    if (k == OpKind::Input || k == OpKind::Flatten || k == OpKind::Dropout) return false;
    // The ReLU after a fully connected layer adds little to a strip that is already full.
    const bool vector = n.shape.h == 1 && n.shape.w == 1;
    return !(vector && k == OpKind::Relu);
}

std::string shape_text(const Shape& s) {
    if (s.h == 1 && s.w == 1) return std::to_string(s.c);
    return std::to_string(s.c) + "\xC3\x97" + std::to_string(s.h) + "\xC3\x97" +
           std::to_string(s.w);
}

// Classroom words for where a layer sits: before the second convolution it sees strokes and
// edges; after it, parts and whole digits.
const char* level_text(const Graph& graph, int node) {
    const Node& n = graph.node(node);
    if (n.op->kind() == OpKind::Softmax) return "output\nclass probabilities";
    int convs = 0;
    for (int i = 0; i <= node; ++i)
        if (graph.node(i).op && graph.node(i).op->kind() == OpKind::Conv2d) ++convs;
    if (n.shape.h == 1 && n.shape.w == 1) return "high-level\nevidence for each digit";
    return convs <= 1 ? "low-level\nstrokes and edges" : "high-level\nparts of digits";
}

int argmax(const Tensor& t) {
    int best = 0;
    for (int k = 1; k < int(t.numel()); ++k)
        if (t[k] > t[best]) best = k;
    return best;
}

bool digit_model(const Graph& graph) {
    const Shape s = graph.input_shape();
    return s.c == 1 && s.h == 28 && s.w == 28;
}
}  // namespace

const char* DrawClassifyView::help() const {
    return "Draw & Classify: draw a digit with the mouse in the black pad and watch a trained "
           "LeNet-5 read it while you draw.\n\n"
           "Tools: brush width, eraser, undo (one whole stroke), clear, and 'Load MNIST digit' to "
           "start from a real example of the test set.\n\n"
           "'What the network sees' is your drawing after MNIST's preparation: the digit fitted "
           "into 20x20 pixels and centred by its centre of mass in 28x28.\n\n"
           "The bars are the network's probabilities for each digit; the orange bar is its "
           "answer. Hover a bar to read the raw score (logit) before the softmax.\n\n"
           "Underneath: every layer from left to right. The first layers find strokes and edges "
           "(low-level); later ones combine them into parts of digits and evidence for each "
           "class (high-level). Hover a unit: the yellow square on 'What the network sees' shows "
           "the input pixels that unit depends on. Click a layer to open it in Feature Maps.\n\n"
           "Kernel surgery: the numbered buttons under conv1 switch one of its filters off; "
           "the red 'MODIFIED' badge resets the network.";
}

void DrawClassifyView::submit_drawing(AppState& state) {
    // [1,1,28,28]: fitted into 20x20 and centred by centre of mass, as MNIST was prepared
    auto input = std::make_shared<Tensor>(mnist_preprocess(pad_.raster()));
    state.request.input_tensor = input;
    state.request.input_tensor_label = pad_.empty() ? "an empty pad" : "your drawing";
}

void DrawClassifyView::load_mnist_digit(AppState& state) {
    if (!mnist_ && mnist_error_.empty()) {
        try {
            mnist_ = std::make_unique<Dataset>(dataset_load("mnist", "test"));
        } catch (const std::exception& e) {
            mnist_error_ = e.what();
        }
    }
    Tensor digit;
    if (mnist_ && mnist_->size() > 0) {
        state.draw.mnist_index = std::clamp(state.draw.mnist_index, 0, mnist_->size() - 1);
        const Shape s = mnist_->images.shape();
        digit = Tensor::zeros({1, 1, s.h, s.w});
        for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x)
                digit.at(0, 0, y, x) = mnist_->images.at(state.draw.mnist_index, 0, y, x);
        loaded_label_ = "MNIST test digit " + std::to_string(state.draw.mnist_index) + " (label " +
                        std::to_string(mnist_->labels[size_t(state.draw.mnist_index)]) + ")";
    } else {
        // No MNIST on this machine: the shipped sample digits instead.
        std::vector<std::string> digits;
        for (const std::string& path : sample_files()) {
            try {
                const Image img = image_read(path);
                if (img.width <= 64) digits.push_back(path);
            } catch (const std::exception&) {
            }
        }
        if (digits.empty()) return;
        const std::string& path = digits[size_t(state.draw.mnist_index) % digits.size()];
        digit = mnist_preprocess(image_read(path));
        loaded_label_ = "sample " + path.substr(path.find_last_of("/\\") + 1);
    }
    pad_.set_background(digit);
    submit_drawing(state);
    state.request.input_tensor_label = loaded_label_;
}

void DrawClassifyView::draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) {
    if (!snapshot.ok()) {
        ImGui::TextUnformatted(
            "Loading the model and computing its first forward pass\xE2\x80\xA6");
        return;
    }
    if (!digit_model(*snapshot.graph)) {
        ImGui::TextWrapped(
            "Draw & Classify needs a model that reads 28x28 grey digits; %s "
            "reads %s.",
            snapshot.request.model.c_str(), shape_text(snapshot.graph->input_shape()).c_str());
        if (ImGui::Button("Use LeNet-5")) {
            state.request.model = "lenet5";
            state.request.weights.clear();
        }
        return;
    }
    if (!state.request.input_tensor && pad_.empty()) {
        // The program opens on an example: what the network sees is put into the pad, so that
        // the pad and the bars agree until the student draws.
        pad_.set_background(snapshot.activations.outputs[0], true);
    }
    hovered_ = hovered_next_;
    hovered_next_ = HoveredUnit{};

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float y_start = ImGui::GetCursorPosY();
    const float top_h = std::floor(avail.y * 0.58f);
    const float pad_side = std::max(ui_scaled(120), top_h - ImGui::GetFrameHeightWithSpacing());
    const float tools_w = ui_scaled(230);

    ImGui::BeginGroup();
    ImGui::TextUnformatted("Draw a digit");
    ImGui::SameLine();
    text_dim(pad_.drawing() ? "(drawing\xE2\x80\xA6)" : "(hold the left mouse button)");
    if (pad_.draw("pad", pad_side, state.draw)) submit_drawing(state);
    if ((pad_.empty() || pad_.placeholder()) && !pad_.drawing()) {
        const char* hint = pad_.empty() ? "draw here" : "an example: draw to replace it";
        const ImVec2 ts = ImGui::CalcTextSize(hint);
        ImGui::GetWindowDrawList()->AddText(
            ImVec2(pad_.origin().x + (pad_side - ts.x) * 0.5f,
                   pad_.empty() ? pad_.origin().y + pad_side * 0.5f
                                : pad_.origin().y + pad_side - ts.y - ui_scaled(8)),
            IM_COL32(150, 150, 150, 255), hint);
    }
    ImGui::EndGroup();
    ImGui::SameLine();

    ImGui::BeginGroup();
    draw_tools(state, tools_w);
    ImGui::Spacing();
    // Room below the 28x28 for the two-line readout of the hovered unit.
    const float readout_h = 2 * ImGui::GetTextLineHeightWithSpacing();
    draw_network_input(snapshot, tools_w,
                       std::min(tools_w, top_h - readout_h - (ImGui::GetCursorPosY() - y_start)));
    ImGui::EndGroup();
    ImGui::SameLine();

    const float probs_w = ImGui::GetContentRegionAvail().x;
    draw_probabilities(state, snapshot, ImVec2(probs_w, top_h));

    ImGui::SetCursorPosY(y_start + top_h + style.ItemSpacing.y);
    draw_layer_strip(state, snapshot, textures, ImGui::GetContentRegionAvail());
}

void DrawClassifyView::draw_tools(AppState& state, float width) {
    DrawState& d = state.draw;
    ImGui::PushItemWidth(width);
    ImGui::TextUnformatted("Brush width");
    float px = d.brush * 2.0f * 28.0f;  // in MNIST pixels of a full-pad digit
    if (ImGui::SliderFloat("##brush", &px, 0.6f, 10.0f, "%.1f px")) d.brush = px / 56.0f;
    ImGui::PopItemWidth();
    const float half = (width - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    if (ImGui::Button(d.eraser ? "Brush" : "Eraser", ImVec2(half, 0))) d.eraser = !d.eraser;
    ImGui::SameLine();
    ImGui::BeginDisabled(pad_.empty());
    if (ImGui::Button("Clear", ImVec2(half, 0))) {
        pad_.clear();
        submit_drawing(state);
    }
    ImGui::EndDisabled();
    if (ImGui::Button("Undo stroke", ImVec2(width, 0)) && pad_.undo()) submit_drawing(state);
    ImGui::Spacing();
    ImGui::SetNextItemWidth(half);
    ImGui::InputInt("##digit", &d.mnist_index, 1, 100);
    d.mnist_index = std::max(0, d.mnist_index);
    ImGui::SameLine();
    if (ImGui::Button("Load MNIST", ImVec2(half, 0))) load_mnist_digit(state);
    if (!mnist_error_.empty() && ImGui::IsItemHovered())
        ImGui::SetTooltip("MNIST is not installed (%s); the sample digits are used instead.",
                          mnist_error_.c_str());
}

void DrawClassifyView::draw_network_input(const Snapshot& snapshot, float width, float side) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted("What the network sees");
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
        const Node& n = snapshot.graph->node(hovered_.node);
        char text[160];
        if (w.all)
            std::snprintf(text, sizeof text, "%s unit %d = %.3g: sees the whole image",
                          n.name.c_str(), hovered_.channel, double(hovered_.value));
        else
            std::snprintf(text, sizeof text, "%s map %d (%d,%d) = %.3g: sees %dx%d pixels",
                          n.name.c_str(), hovered_.channel, hovered_.x, hovered_.y,
                          double(hovered_.value), w.x1 - w.x0 + 1, w.y1 - w.y0 + 1);
        ImGui::TextWrapped("%s", text);
    } else {
        text_dim("hover a unit below: its input pixels");
    }
    ImGui::PopTextWrapPos();
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
    dl->AddText(font, big, p0, k_top_bar, answer.c_str());
    const float answer_w = font->CalcTextSizeA(big, FLT_MAX, 0.0f, answer.c_str()).x;
    char text[96];
    std::snprintf(text, sizeof text, softmax ? "the network says %s, p = %.2f" : "top class %s",
                  answer.c_str(), double(out[best]));
    dl->AddText(ImVec2(p0.x + answer_w + ui_scaled(16), p0.y + big * 0.5f - ImGui::GetFontSize()),
                ImGui::GetColorU32(ImGuiCol_Text), text);
    dl->AddText(ImVec2(p0.x + answer_w + ui_scaled(16), p0.y + big * 0.5f + ui_scaled(2)),
                ImGui::GetColorU32(ImGuiCol_TextDisabled),
                ("input: " + snapshot.input_label).c_str());
    if (!state.request.zeroed.empty()) {
        // The badge is the reset button: a modified network is never on screen unannounced.
        ImGui::SetCursorScreenPos(ImVec2(p0.x + answer_w + ui_scaled(16),
                                         p0.y + big * 0.5f + ImGui::GetFontSize() + ui_scaled(8)));
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.75f, 0.12f, 0.12f, 1.0f));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.9f, 0.2f, 0.2f, 1.0f));
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
        const std::string badge = "MODIFIED: " + std::to_string(state.request.zeroed.size()) +
                                  " filter(s) off \xE2\x80\x94 click to reset";
        if (ImGui::Button(badge.c_str())) state.request.zeroed.clear();
        ImGui::PopStyleColor(3);
    }

    const float top = p0.y + big + ui_scaled(10);
    const float label_w = ui_scaled(28) + ImGui::CalcTextSize("0000").x * (classes > 10 ? 2 : 0);
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
    const float col_w = std::floor((size.x - gap * (nodes.size() - 1)) / nodes.size());
    for (size_t j = 0; j < nodes.size(); ++j) {
        const int node = nodes[j];
        const Node& n = graph.node(node);
        const Tensor& maps = snapshot.activations.outputs[size_t(node)];
        if (j > 0) ImGui::SameLine(0, gap);
        // Scrolls only when presenter zoom leaves too little room for the maps.
        ImGui::BeginChild(n.name.c_str(), ImVec2(col_w, size.y), true);
        ImGui::PushID(node);
        if (ImGui::Button(n.name.c_str(), ImVec2(-1, 0))) {
            state.feature_maps.layer = n.name;
            state.feature_maps.enlarged = -1;
            state.view = "feature-maps";
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open %s in Feature Maps", n.name.c_str());
        text_dim(shape_text(n.shape).c_str());
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s", level_text(graph, node));
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
                ImGui::CalcTextSize("switch a filter off:", nullptr, false, grid_size.x).y;
            const float controls_h = label_h + st.ItemSpacing.y +
                                     rows * (ImGui::GetTextLineHeight() + st.ItemSpacing.y) +
                                     st.ItemSpacing.y;
            // In a cramped column (presenter zoom) the maps keep the room; the buttons scroll.
            if (controls_h < 0.5f * grid_size.y) grid_size.y -= controls_h;
        }
        const ColourSettings colour{colormap_for(maps, false), false};
        const std::string key = std::to_string(snapshot.result_generation) + "/draw/" + n.name;
        try {
            const Atlas& atlas = textures.atlas(key, maps, colour);
            FeatureGridOptions options;
            options.pixel_grid = false;
            options.min_tile = 3.0f;
            if (hovered_.node == node) options.highlight = hovered_.channel;
            const FeatureGridHover h = feature_grid("grid", atlas, maps, grid_size, options);
            if (h.channel >= 0) {
                hovered_next_ = HoveredUnit{node, h.channel, h.y, h.x, h.value};
                if (atlas.vector) hovered_next_.y = hovered_next_.x = 0;
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

void DrawClassifyView::draw_surgery(AppState& state, const Node& conv) {
    auto& zeroed = state.request.zeroed;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("switch a filter off:");
    ImGui::PopStyleColor();
    for (int c = 0; c < conv.shape.c; ++c) {
        const std::pair<std::string, int> key{conv.name, c};
        auto it = std::find(zeroed.begin(), zeroed.end(), key);
        const bool off = it != zeroed.end();
        if (c > 0)
            same_line_if_fits(ImGui::CalcTextSize("0").x + ImGui::GetStyle().FramePadding.x * 2);
        if (off) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.75f, 0.12f, 0.12f, 1.0f));
        ImGui::PushID(c);
        if (ImGui::SmallButton(std::to_string(c).c_str())) {
            if (off)
                zeroed.erase(it);
            else
                zeroed.push_back(key);
        }
        ImGui::PopID();
        if (off) ImGui::PopStyleColor();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(off ? "filter %d is off (all zero): click to switch it back on"
                                  : "set filter %d of %s to zero and watch the prediction",
                              c, conv.name.c_str());
    }
}

}  // namespace cl
