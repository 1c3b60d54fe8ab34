// Patterns view (see patterns.h): the header with model, input, layer and class, and the
// four panels' tabs. The panels are drawn in patterns_panels.cpp.
#include "app/views/patterns/patterns.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <variant>

#include "app/ui.h"
#include "app/widgets/weights_status.h"
#include "engine/explain/attribution.h"
#include "engine/zoo/trained_weights.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {

bool spatial(const Node& n) {
    return n.shape.h > 1 || n.shape.w > 1;
}

// Layers a teacher points at: convolutions and what directly follows them (ReLU, pooling).
bool pattern_layer(const Node& n) {
    if (!n.op || !spatial(n)) return false;
    const OpKind k = n.op->kind();
    return k == OpKind::Conv2d || k == OpKind::Relu || k == OpKind::MaxPool2d ||
           k == OpKind::Concat || k == OpKind::Add;
}

// conv1, a middle conv and the last conv: the lecture's low-level versus high-level picture.
std::vector<int> ladder_nodes(const Graph& g) {
    std::vector<int> convs;
    for (int i = 0; i < g.size(); ++i) {
        const Node& n = g.node(i);
        // 1x1 convolutions are projections and reductions (ResNet's shortcut, inception's
        // reduce): not the layer that detects, so the ladder skips them.
        const OpAttributes a = n.op ? n.op->attributes() : OpAttributes{};
        const Conv2dParams* p = std::get_if<Conv2dParams>(&a);
        if (p && p->kernel > 1 && spatial(n)) {
            // The ReLU after a conv, when there is one: what the next layer sees.
            int shown = i;
            if (i + 1 < g.size() && g.node(i + 1).op && g.node(i + 1).op->kind() == OpKind::Relu &&
                g.node(i + 1).inputs[0] == i)
                shown = i + 1;
            convs.push_back(shown);
        }
    }
    if (convs.size() <= 3) return convs;
    return {convs.front(), convs[convs.size() / 2], convs.back()};
}

}  // namespace

PatternsView::PatternsView(EngineServices& services)
    : services_(services), test_images_(services) {}

PatternsView::~PatternsView() {
    top_k_.cancel();
    ladder_.cancel();
    attribution_.cancel();
    dream_.cancel();
}

const char* PatternsView::help() const {
    return "Patterns: what the layers of a trained network respond to, and where it looked.\n\n"
           "Top patches: for the chosen layer, each channel's 9 test images that excite it most, "
           "cropped to the unit's receptive field (the input pixels it can see). Click a "
           "channel to see the 9 images in full with the field outlined. Computed over the "
           "10,000 test images as a job, cached on disk per weights: a second look is instant.\n\n"
           "Low to high: conv1, a middle layer and the last conv side by side. Early layers "
           "answer to strokes and edges in small windows; late layers to whole parts in large "
           "ones.\n\n"
           "Where it looked: Grad-CAM (Selvaraju et al.: the layer's maps weighted by the mean "
           "gradient of the class score), saliency (the gradient of the score per input pixel), "
           "gradient x input, and occlusion (a grey patch slides over the image; the map is the "
           "drop in the class's probability; needs no gradients, so it works on any model). "
           "Grad-CAM is usually taken at the last conv layer: it still has a spatial map, and "
           "it is the most class-specific one.\n\n"
           "Dream: gradient ascent on the input makes the image a channel (or a class) likes "
           "most, with decay, jitter and blur as the feature-visualisation recipes do.\n\n"
           "A random-weight network's patterns mean nothing: pick lenet5 or a -mini model.";
}

bool PatternsView::busy() const {
    return test_images_.pending() || top_k_.running() || ladder_.running() ||
           attribution_.running() || dream_.running();
}

void PatternsView::sync_model(const Snapshot& snapshot) {
    if (graph_ == snapshot.graph.get()) return;
    const Graph& g = *snapshot.graph;
    graph_ = &g;
    layers_.clear();
    for (int i = 1; i < g.size(); ++i)
        if (pattern_layer(g.node(i))) layers_.push_back(i);
    ladder_nodes_ = ladder_nodes(g);
    const int cam = default_grad_cam_layer(g);
    layer_ = cam >= 0 ? cam : (layers_.empty() ? -1 : layers_.back());
    const Shape in = g.input_shape();
    dataset_fits_ = in.c == 1 && in.h == 28 && in.w == 28;
    // The images the model was trained on: MNIST for LeNet's default weights, else Fashion.
    const std::string& w = snapshot.request.weights;
    const TrainedWeights* trained =
        w.empty() ? default_trained_weights(snapshot.request.model) : trained_weights_for(w);
    fashion_ = !(trained && std::string(trained->dataset) == "mnist");
    channel_ = -1;
    target_ = k_predicted_class;
    dream_channel_ = 0;
    backward_problem_.clear();
    try {
        require_backward(g, g.size() - 1, 0, "Grad-CAM, saliency and activation maximisation");
    } catch (const std::exception& e) {
        backward_problem_ = e.what();
        if (method_ != AttributionMethod::Occlusion) method_ = AttributionMethod::Occlusion;
    }
    top_k_.cancel();
    top_k_ = {};
    top_k_for_.clear();
    ladder_.cancel();
    ladder_ = {};
    ladder_for_.clear();
    attribution_for_.clear();
    dream_.cancel();
    dream_ = {};
}

void PatternsView::draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) {
    if (!snapshot.ok()) {
        ImGui::TextUnformatted(
            "Loading the model and computing its first forward pass\xE2\x80\xA6");
        return;
    }
    sync_model(snapshot);
    draw_header(state, snapshot);
    draw_random_weights_banner(snapshot.request.model, snapshot.request.weights);
    if (!ImGui::BeginTabBar("patterns_panels")) return;
    struct Tab {
        const char* name;
        Panel panel;
    };
    const Tab tabs[] = {{"Top patches", Panel::TopPatches},
                        {"Low to high", Panel::LowToHigh},
                        {"Where it looked", Panel::WhereItLooked},
                        {"Dream", Panel::Dream}};
    for (const Tab& t : tabs) {
        if (!ImGui::BeginTabItem(t.name)) continue;
        panel_ = t.panel;
        ImGui::BeginChild("panel", ImVec2(0, 0), false);
        switch (t.panel) {
            case Panel::TopPatches:
                draw_top_patches(snapshot, textures);
                break;
            case Panel::LowToHigh:
                draw_ladder(snapshot, textures);
                break;
            case Panel::WhereItLooked:
                draw_attribution(snapshot, textures);
                break;
            case Panel::Dream:
                draw_dream(snapshot, textures);
                break;
        }
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

void PatternsView::draw_header(AppState& state, const Snapshot& snapshot) {
    const Graph& g = *snapshot.graph;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Model");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ui_scaled(190));
    const std::string& current = snapshot.request.model;
    if (ImGui::BeginCombo("##model", current.c_str())) {
        for (const ZooEntry& e : zoo_list()) {
            if (std::string(e.name).rfind("inception", 0) == 0) continue;  // blocks, not models
            if (ImGui::Selectable(e.name, current == e.name)) {
                state.request.model = e.name;
                state.request.weights.clear();
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.description);
        }
        ImGui::Separator();
        if (ImGui::Selectable("Open an ONNX model\xE2\x80\xA6"))
            state.action = AppAction::OpenModel;
        ImGui::EndCombo();
    }
    ImGui::SameLine(0, ui_scaled(16));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Layer");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ui_scaled(200));
    const std::string layer_name = layer_ >= 0 ? g.node(layer_).name : std::string("-");
    if (ImGui::BeginCombo("##layer", layer_name.c_str())) {
        for (int node : layers_) {
            const Node& n = g.node(node);
            char label[160];
            std::snprintf(label, sizeof label, "%s  (%dx%dx%d)", n.name.c_str(), n.shape.h,
                          n.shape.w, n.shape.c);
            if (ImGui::Selectable(label, node == layer_)) {
                layer_ = node;
                channel_ = -1;
                dream_channel_ = 0;
            }
        }
        ImGui::EndCombo();
    }
    if (dataset_fits_) {
        ImGui::SameLine(0, ui_scaled(16));
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Images");
        ImGui::SameLine();
        int set = fashion_ ? 1 : 0;
        const char* sets[] = {"MNIST digits", "Fashion-MNIST"};
        ImGui::SetNextItemWidth(ui_scaled(150));
        if (ImGui::Combo("##topk_set", &set, sets, 2)) fashion_ = set == 1;
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("The test set the top patches are searched in (10,000 images)");
    }
    draw_weights_status(snapshot.request.model, snapshot.request.weights);
    ImGui::AlignTextToFramePadding();
    ImGui::Text("Input: %s", snapshot.input_label.c_str());
    if (dataset_fits_) {
        ImGui::SameLine();
        test_images_.suggest(fashion_);
        test_images_.draw(state);
    }
    ImGui::SameLine();
    if (ImGui::Button("Open image\xE2\x80\xA6")) state.action = AppAction::OpenImage;
    // The class explained: the prediction by default, any class on request.
    ImGui::SameLine(0, ui_scaled(16));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Class");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ui_scaled(190));
    const std::vector<std::string>& names = snapshot.class_names;
    const std::string shown = target_ == k_predicted_class  ? std::string("the prediction")
                              : target_ < int(names.size()) ? names[size_t(target_)]
                                                            : "class " + std::to_string(target_);
    if (ImGui::BeginCombo("##class", shown.c_str())) {
        if (ImGui::Selectable("the prediction", target_ == k_predicted_class))
            target_ = k_predicted_class;
        for (int k = 0; k < int(names.size()); ++k)
            if (ImGui::Selectable((std::to_string(k) + ": " + names[size_t(k)]).c_str(),
                                  target_ == k))
                target_ = k;
        ImGui::EndCombo();
    }
}

void PatternsView::step(AppState& state, const Snapshot& snapshot, int delta) {
    (void)state;
    if (!snapshot.ok() || layers_.empty()) return;
    auto at = std::find(layers_.begin(), layers_.end(), layer_);
    int i = at == layers_.end() ? 0 : int(at - layers_.begin());
    i = std::clamp(i + (delta > 1000    ? 1 << 20
                        : delta < -1000 ? -(1 << 20)
                                        : delta),
                   0, int(layers_.size()) - 1);
    layer_ = layers_[size_t(i)];
    channel_ = -1;
}

}  // namespace cl
