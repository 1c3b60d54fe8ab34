// One pane of the Compare view (see compare_pane.h).
#include "app/views/compare/compare_pane.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "app/ui.h"
#include "app/widgets/chart_bars.h"
#include "app/widgets/colormap_legend.h"
#include "app/widgets/feature_grid.h"
#include "app/widgets/weights_status.h"
#include "engine/explain/imagenet_history.h"
#include "engine/io/image.h"
#include "engine/io/model_input.h"
#include "engine/model_loader.h"
#include "engine/paths.h"
#include "engine/render.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {
// Models over this many MACs get fewer timed passes (VGG16: ~1 s each on two cores).
const int64_t k_big_macs = int64_t(5) << 30;

bool is_onnx(const std::string& model) {
    return model.size() > 5 && model.compare(model.size() - 5, 5, ".onnx") == 0;
}

// Layers that only reshape or subsample what the layer before computed: the depth cursor shows
// the computing layer before them instead.
bool is_passive(OpKind k) {
    return k == OpKind::MaxPool2d || k == OpKind::AvgPool2d || k == OpKind::GlobalAvgPool ||
           k == OpKind::Flatten || k == OpKind::Dropout;
}

std::string fashion_weights() {
    return (std::filesystem::path(assets_dir()) / "lenet5-fashion.safetensors").string();
}

std::string depth_help(const std::string& model) {
    return model +
           ": weight layers (conv + fully connected) on the longest path from input to "
           "output";
}

std::string shape_text(const Shape& s) {
    if (s.h == 1 && s.w == 1) return std::to_string(s.c) + " values";
    return std::to_string(s.c) + " \xC3\x97 " + std::to_string(s.h) + " \xC3\x97 " +
           std::to_string(s.w);
}
}  // namespace

ComparePane::ComparePane(int id, EngineServices& services, Measurer& measurer)
    : id_(id),
      measurer_(measurer),
      worker_(std::make_unique<EngineWorker>(services, "compare pane " + std::to_string(id))) {}

ComparePane::~ComparePane() {
    if (latency_id_) measurer_.cancel(latency_id_);
    if (accuracy_id_) measurer_.cancel(accuracy_id_);
}

std::shared_ptr<const Tensor> ComparePane::converted(const std::shared_ptr<const Tensor>& drawing,
                                                     Shape shape) {
    if (converted_from_ == drawing && converted_ && converted_->shape() == shape) return converted_;
    const Shape& s = drawing->shape();
    if (s.n != 1 || (s.c != 1 && s.c != 3)) return drawing;  // the worker uses the model's sample
    converted_from_ = drawing;
    converted_ = std::make_shared<const Tensor>(
        input_from_tensor(*drawing, shape, "your drawing").tensor);  // [1,C,H,W]
    return converted_;
}

void ComparePane::submit_if_changed(const PaneInput& input) {
    Request r;
    r.model = model_;
    r.weights = weights_;
    if (input.tensor) {
        r.input_tensor = input.tensor;
        r.input_tensor_label = input.label;
        // A drawing of another shape is converted once this model's input shape is known (from
        // its first result); until then the worker shows the model's own sample.
        auto known = input_shapes_.find(model_);
        if (known != input_shapes_.end() && known->second != input.tensor->shape()) {
            r.input_tensor = converted(input.tensor, known->second);
            r.input_tensor_label = input.label + ", " + input.tensor->shape().chw() +
                                   " \xE2\x86\x92 " + known->second.chw();
        }
    } else {
        r.input_path = input.path;
    }
    if (submitted_any_ && r == submitted_) return;
    worker_->submit(r);
    submitted_ = r;
    submitted_any_ = true;
}

void ComparePane::update(const std::string& model, const std::string& weights,
                         const PaneInput& input, bool quiet) {
    if (label_.empty() || model != model_ || weights != weights_) {
        model_ = model;
        weights_ = weights;
        label_ = make_label();
    }
    if (!worker_) return;
    submit_if_changed(input);
    take_result();
    submit_if_changed(input);  // the model's input shape may just have become known
    if (latency_id_ && !latency_) latency_ = measurer_.result(latency_id_);
    if (accuracy_id_ && !accuracy_) accuracy_ = measurer_.result(accuracy_id_);
    if (quiet) start_measurements();
}

void ComparePane::take_result() {
    std::shared_ptr<const Snapshot> latest = worker_->latest();
    if (!latest || latest == snapshot_) return;
    snapshot_ = latest;
    if (!snapshot_->ok()) return;
    input_shapes_[snapshot_->request.model] = snapshot_->graph->input_shape();
    if (snapshot_->graph.get() != graph_) new_graph();
}

void ComparePane::new_graph() {
    const Graph& g = *snapshot_->graph;
    graph_ = &g;
    // Figures of the previous model are dropped now (and its graph with them, once the
    // measurer lets go of it); the new model is measured once the panes are quiet.
    for (uint64_t* id : {&latency_id_, &accuracy_id_})
        if (*id) measurer_.cancel(*id), *id = 0;
    latency_.reset();
    accuracy_.reset();
    trained_ = nullptr;
    measured_ = nullptr;
    summary_ = summarize(g);
    depths_ = weight_layer_depths(g);
    const int total = depths_.empty() ? 0 : *std::max_element(depths_.begin(), depths_.end());
    depth_nodes_.assign(size_t(total) + 1, 0);
    for (int i = 1; i < g.size(); ++i)
        if (g.node(i).op && !is_passive(g.node(i).op->kind()))
            depth_nodes_[size_t(depths_[size_t(i)])] = i;
    for (size_t k = 1; k < depth_nodes_.size(); ++k)
        if (depth_nodes_[k] == 0) depth_nodes_[k] = depth_nodes_[k - 1];
    stage_nodes_.assign(1, 0);
    Shape last{0, 0, 0, 0};
    for (int i = 1; i < g.size(); ++i) {
        const Shape& s = g.node(i).shape;
        if (stage_nodes_.size() == 1 || s.h != last.h || s.w != last.w)
            stage_nodes_.push_back(i);
        else
            stage_nodes_.back() = i;
        last = s;
    }
    weight_layers_.clear();
    for (int i = 0; i < g.size(); ++i) {
        const Node& n = g.node(i);
        if (n.op && (n.op->kind() == OpKind::Conv2d || n.op->kind() == OpKind::Linear))
            weight_layers_.push_back(i);
    }
    maps_key_.clear();
}

void ComparePane::start_measurements() {
    if (!ready() || snapshot_->graph.get() == measured_ || snapshot_->graph.get() != graph_) return;
    measured_ = graph_;
    latency_runs_ = summary_.total_macs > k_big_macs ? 3 : 5;
    latency_id_ =
        measurer_.latency(snapshot_->graph, snapshot_->activations.outputs[0], latency_runs_);
    const std::string& model = snapshot_->request.model;
    const std::string& weights = snapshot_->request.weights;
    trained_ = is_onnx(model)
                   ? nullptr
                   : trained_weights_for(weights.empty() ? default_weights_for(model) : weights);
    if (trained_) accuracy_id_ = measurer_.accuracy(snapshot_->graph, trained_->dataset);
}

bool ComparePane::idle() const {
    return !worker_ || worker_->idle();
}

bool ComparePane::busy() const {
    return !idle() || latency_pending() || accuracy_pending() ||
           (ready() && snapshot_->graph.get() != measured_);
}

std::string ComparePane::make_label() const {
    std::string name = is_onnx(model_) ? std::filesystem::path(model_).filename().string() : model_;
    if (weights_.empty()) return name;
    const TrainedWeights* t = trained_weights_for(weights_);
    return name + " (" +
           (t ? std::string(t->dataset) : std::filesystem::path(weights_).filename().string()) +
           ")";
}

CompareRow ComparePane::row() const {
    CompareRow r = compare_row(label(), *snapshot_->graph, summary_);
    if (latency_ && latency_->error.empty()) {
        r.latency_ms = latency_->median_ms;
        r.latency_runs = latency_->runs;
    }
    if (trained_ && accuracy_ && accuracy_->error.empty() && accuracy_->total > 0) {
        r.accuracy = double(accuracy_->correct) / accuracy_->total;
        r.accuracy_note =
            std::string(trained_->title) + " test split, " + std::to_string(accuracy_->correct) +
            "/" + std::to_string(accuracy_->total) + "; trained by ConvLens: " + trained_->command;
    }
    return r;
}

int ComparePane::total_depth() const {
    return depth_nodes_.empty() ? 0 : int(depth_nodes_.size()) - 1;
}

int ComparePane::stage_count() const {
    return int(stage_nodes_.size());
}

int ComparePane::node_at_depth(float t) const {
    if (depth_nodes_.empty()) return -1;
    const int k = int(std::lround(std::clamp(t, 0.0f, 1.0f) * float(total_depth())));
    return depth_nodes_[size_t(k)];
}

int ComparePane::node_at_stage(int stage) const {
    if (stage_nodes_.empty()) return -1;
    return stage_nodes_[size_t(std::clamp(stage, 0, stage_count() - 1))];
}

std::string ComparePane::stage_size(int stage) const {
    const int node = node_at_stage(stage);
    if (node < 0 || !graph_) return "";
    const Shape& s = graph_->node(node).shape;
    if (s.h == 1 && s.w == 1) return std::to_string(s.c);
    return std::to_string(s.h) + "\xC3\x97" + std::to_string(s.w);
}

PaneAction ComparePane::draw(int colour, int node, int maps_shown, TextureCache& textures,
                             bool can_remove, std::string& model_choice,
                             std::string& weights_choice) {
    PaneAction action = PaneAction::None;
    ImGui::PushID(id_);
    const float swatch_w = ui_scaled(8), h = ImGui::GetFrameHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + swatch_w, p.y + h),
                                              chart_series_colour(colour));
    ImGui::Dummy(ImVec2(swatch_w, h));
    ImGui::SameLine();
    const char* remove = "\xC3\x97";
    const float remove_w = can_remove ? ImGui::CalcTextSize(remove).x +
                                            2 * ImGui::GetStyle().FramePadding.x +
                                            ImGui::GetStyle().ItemSpacing.x
                                      : 0.0f;
    const float combo_w = ImGui::GetContentRegionAvail().x - remove_w;
    // Four panes in presenter mode cut "lenet5 (fashion-mnist)" short: hover says it in full.
    const bool clipped = ImGui::CalcTextSize(label().c_str()).x >
                         combo_w - ImGui::GetFrameHeight() - 2 * ImGui::GetStyle().FramePadding.x;
    ImGui::SetNextItemWidth(combo_w);
    const bool open = ImGui::BeginCombo("##model", label().c_str());
    if (!open && clipped && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", label().c_str());
    if (open) {
        for (const ZooEntry& e : zoo_list()) {
            if (std::string(e.name).rfind("inception", 0) == 0) continue;  // blocks, not models
            if (ImGui::Selectable(e.name, model_ == e.name && weights_.empty())) {
                model_choice = e.name;
                weights_choice.clear();
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.description);
        }
        ImGui::Separator();
        const std::string fashion = fashion_weights();
        if (ImGui::Selectable("lenet5 (Fashion-MNIST weights)",
                              model_ == "lenet5" && weights_ == fashion)) {
            model_choice = "lenet5";
            weights_choice = fashion;
        }
        if (ImGui::Selectable("Open an .onnx model\xE2\x80\xA6")) action = PaneAction::OpenModel;
        ImGui::EndCombo();
    }
    if (can_remove) {
        ImGui::SameLine();
        if (ImGui::Button(remove)) action = PaneAction::Remove;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Remove this pane");
    }

    if (!ready()) {
        if (snapshot_ && !snapshot_->error.empty())
            ImGui::TextColored(ImVec4(0.9f, 0.3f, 0.3f, 1), "%s", snapshot_->error.c_str());
        else
            text_dim("Loading the model and computing its first forward pass\xE2\x80\xA6");
        ImGui::PopID();
        return action;
    }
    char info[160];
    std::snprintf(info, sizeof info, "input %s \xC2\xB7 %d weight layers%s",
                  graph_->input_shape().chw().c_str(), total_depth(),
                  idle() ? "" : " \xC2\xB7 computing\xE2\x80\xA6");
    if (ImGui::CalcTextSize(info).x > ImGui::GetContentRegionAvail().x)
        std::snprintf(info, sizeof info, "%s \xC2\xB7 %d layers%s",
                      graph_->input_shape().chw().c_str(), total_depth(),
                      idle() ? "" : " \xE2\x80\xA6");
    text_dim(info);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("fed: %s\n%s", snapshot_->input_label.c_str(),
                          depth_help(graph_->name()).c_str());
    if (!snapshot_->error.empty()) {
        ImGui::TextColored(ImVec4(0.9f, 0.3f, 0.3f, 1), "%s", snapshot_->error.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", snapshot_->error.c_str());
    }
    draw_weights_status(snapshot_->request.model, snapshot_->request.weights);
    node = std::clamp(node, 0, graph_->size() - 1);
    ImGui::TextUnformatted(graph_->node(node).name.c_str());
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text,
                          ImGui::ColorConvertU32ToFloat4(chart_series_colour(colour)));
    ImGui::TextUnformatted(shape_text(graph_->node(node).shape).c_str());
    ImGui::PopStyleColor();

    draw_prediction(node);
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float profiles_h = 2 * (line + ui_scaled(30) + ImGui::GetStyle().ItemSpacing.y);
    draw_maps(node, maps_shown, textures,
              std::max(ui_scaled(60), ImGui::GetContentRegionAvail().y - profiles_h));
    draw_profiles(node, colour);
    ImGui::PopID();
    return action;
}

void ComparePane::draw_prediction(int node) {
    if (node != graph_->output_index()) return;
    const Tensor& out = snapshot_->activations.outputs[size_t(node)];
    const int classes = out.shape().c;
    if (out.shape().h != 1 || out.shape().w != 1 || classes != int(snapshot_->class_names.size()))
        return;
    int best = 0;
    for (int k = 1; k < classes; ++k)
        if (out[k] > out[best]) best = k;
    const std::string& model = snapshot_->request.model;
    const bool untrained = has_random_weights(model, snapshot_->request.weights);
    char text[200];
    std::snprintf(text, sizeof text, "top-1: %s (%.3g)%s",
                  snapshot_->class_names[size_t(best)].c_str(), double(out[best]),
                  untrained ? ", untrained weights" : "");
    ImGui::TextUnformatted(text);
}

void ComparePane::draw_maps(int node, int maps_shown, TextureCache& textures, float height) {
    const Tensor& all = snapshot_->activations.outputs[size_t(node)];
    const Shape& s = all.shape();
    const bool vector = s.h == 1 && s.w == 1;
    const int shown = vector || maps_shown <= 0 ? s.c : std::min(s.c, maps_shown);
    const std::string key = "compare" + std::to_string(id_) + "/" +
                            std::to_string(snapshot_->result_generation) + "/" +
                            std::to_string(node) + "/" + std::to_string(shown);
    if (key != maps_key_) {
        maps_ = all;
        if (shown < s.c) {  // the first `shown` channels: a prefix of sample 0 in NCHW
            maps_ = Tensor::zeros({1, shown, s.h, s.w});  // [1,shown,H,W]
            std::copy(all.data(), all.data() + maps_.numel(), maps_.data());
        }
        const Node& n = graph_->node(node);
        colour_map_ = colormap_for(all, !n.op || n.op->kind() == OpKind::Input);
        maps_key_ = key;
    }
    const Atlas* atlas = nullptr;
    try {
        atlas = &textures.atlas(key, maps_, ColourSettings{colour_map_, false});
    } catch (const std::exception& e) {
        ImGui::TextWrapped("%s", e.what());
        return;
    }
    char caption[96];
    if (vector)
        std::snprintf(caption, sizeof caption, "%d values", s.c);
    else
        std::snprintf(caption, sizeof caption, "%d of %d maps", shown, s.c);
    colormap_legend(textures, colour_map_, display_range_for(atlas->layer_range, colour_map_),
                    ImGui::GetContentRegionAvail().x, caption);
    const float legend_h = ImGui::GetItemRectSize().y + ImGui::GetStyle().ItemSpacing.y;
    FeatureGridOptions opt;
    opt.pixel_grid = std::max(s.h, s.w) <= 32;
    opt.min_tile = ui_scaled(12);
    const FeatureGridHover hover = feature_grid(
        "maps", *atlas, maps_, ImVec2(ImGui::GetContentRegionAvail().x, height - legend_h), opt);
    if (hover.channel >= 0 && vector)
        ImGui::SetTooltip("unit %d: %.4g", hover.channel, double(hover.value));
    else if (hover.channel >= 0)
        ImGui::SetTooltip("map %d, row %d, col %d: %.4g", hover.channel, hover.y, hover.x,
                          double(hover.value));
}

void ComparePane::draw_profiles(int node, int colour) {
    std::vector<double> params, macs;
    int highlight = -1;
    for (size_t j = 0; j < weight_layers_.size(); ++j) {
        const LayerSummary& l = summary_.layers[size_t(weight_layers_[j])];
        params.push_back(double(l.params));
        macs.push_back(double(l.macs));
        if (weight_layers_[j] <= node) highlight = int(j);
    }
    const struct {
        const char* id;
        const char* title;
        const std::vector<double>& values;
    } plots[] = {{"params", "Parameters per layer", params}, {"macs", "MACs per layer", macs}};
    for (const auto& plot : plots) {
        const auto top = std::max_element(plot.values.begin(), plot.values.end());
        // The longest title that fits: with the largest layer, with its value, or bare.
        std::string title = plot.title;
        if (top != plot.values.end()) {
            const std::string value = " \xC2\xB7 max " + format_short(*top);
            const std::string& layer =
                summary_.layers[size_t(weight_layers_[size_t(top - plot.values.begin())])].name;
            const float avail = ImGui::GetContentRegionAvail().x;
            for (const std::string& t : {title + value + " (" + layer + ")", title + value})
                if (ImGui::CalcTextSize(t.c_str()).x <= avail) {
                    title = t;
                    break;
                }
        }
        text_dim(title.c_str());
        const int under = chart_profile(plot.id, plot.values,
                                        ImVec2(ImGui::GetContentRegionAvail().x, ui_scaled(30)),
                                        chart_series_colour(colour, 0.9f), highlight);
        if (under >= 0) {
            const LayerSummary& l = summary_.layers[size_t(weight_layers_[size_t(under)])];
            ImGui::SetTooltip("%s (%s): %s parameters, %s MACs", l.name.c_str(), l.op.c_str(),
                              format_thousands(l.params).c_str(), format_thousands(l.macs).c_str());
        }
    }
}

}  // namespace cl
