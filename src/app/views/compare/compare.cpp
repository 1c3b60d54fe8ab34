// Compare view (see compare.h): the toolbar (panes, input, depth cursor, export), the panes
// side by side, and below them the numbers and the ImageNet history.
#include "app/views/compare/compare.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "app/ui.h"
#include "engine/io/atomic_file.h"
#include "engine/io/model_input.h"
#include "engine/util/strings.h"

namespace cl {

namespace {
const char* k_title_open_image = "Open an image for every pane";
const char* k_title_open_model = "Open a model (.onnx) for this pane";
const char* k_title_export = "Export the comparison table (.csv or .md)";
const char* k_input_drawing = "draw";  // CompareState::input: the Draw view's drawing

std::string file_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

// The input when the user has chosen none: a photo, so ImageNet-sized models see a scene.
std::string default_photo() {
    const std::vector<std::string> samples = sample_files();
    for (const std::string& s : samples)
        if (file_name(s).rfind("photo-", 0) == 0) return s;
    return samples.empty() ? std::string() : samples.front();
}
}  // namespace

CompareView::CompareView(EngineServices& services) : services_(services), measurer_(services) {}

CompareView::~CompareView() {
    classroom_job_.cancel();
}

const char* CompareView::help() const {
    return "Compare puts two to four networks side by side, all fed the same input (a photo, an "
           "MNIST digit or your drawing, resized and converted to each network's input).\n\n"
           "Depth cursor: the slider (or Left/Right) moves through every network at once. "
           "'Relative depth' shows each network after the same fraction of its weight layers; "
           "'Output size' shows the k-th output size each network passes through. At the first "
           "stage AlexNet is already down to 55x55 while VGG16 still works at 224x224.\n\n"
           "Each pane: the chosen layer's first maps (colour bar below), and two small profiles: "
           "parameters and multiply-accumulates per weight layer (the outlined bar is the layer "
           "at the cursor). Hover a bar for its numbers.\n\n"
           "Numbers: depth counts weight layers (conv + fully connected) on the longest path, as "
           "the ILSVRC papers do. Parameters, MACs and memory come from the engine's summary. "
           "Latency is measured here, now: a warm-up pass, then the median of 5 forward passes (3 "
           "for models over 5 GMACs) with every activation kept; it reads 'measuring' until "
           "then. Models trained by ConvLens (LeNet-5 and the -mini models) show their test "
           "accuracy, "
           "evaluated now. 'Trained here' beside the ImageNet history plots those models' "
           "Fashion-MNIST accuracy against parameters or measured time; click a point to open "
           "it.\n\n"
           "ImageNet history: top-5 error of the ILSVRC winners by year with each network's "
           "depth (Russakovsky et al. 2015). Click a bar to add that network to the comparison.\n\n"
           "Export table: CSV or Markdown. File > Export view as PNG saves the picture.\n\n"
           "In presenter mode (F5) or a short window the maps, the numbers and the history are "
           "tabs under the toolbar, each with the whole height.";
}

void CompareView::sync_panes(const CompareState& s) {
    while (panes_.size() < s.models.size())
        panes_.push_back(std::make_unique<ComparePane>(next_pane_id_++, services_, measurer_));
    // A removed pane's job is cancelled and finishes on its own; nothing waits for it here.
    while (panes_.size() > s.models.size()) panes_.pop_back();
}

void CompareView::remove_pane(AppState& state, size_t index) {
    CompareState& s = state.compare;
    if (s.models.size() <= 2 || index >= panes_.size()) return;
    panes_.erase(panes_.begin() + long(index));
    s.models.erase(s.models.begin() + long(index));
    if (index < s.weights.size()) s.weights.erase(s.weights.begin() + long(index));
}

void CompareView::add_model(AppState& state, const std::string& model, const std::string& weights) {
    CompareState& s = state.compare;
    for (size_t i = 0; i < s.models.size(); ++i)
        if (s.models[i] == model && s.weights_for(i) == weights) return;
    if (s.models.size() < 4)
        s.models.push_back(model);
    else
        s.models.back() = model;
    const size_t pane = s.models.size() - 1;
    if (!weights.empty() && s.weights.size() <= pane) s.weights.resize(pane + 1);
    if (s.weights.size() > pane) s.weights[pane] = weights;
}

void CompareView::draw_charts(AppState& state, float height) {
    if (!ImGui::BeginTabBar("compare_charts")) return;
    const float tab_h = ImGui::GetFrameHeightWithSpacing();
    if (ImGui::BeginTabItem("ImageNet history")) {
        draw_history(state, height - tab_h);
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Trained here")) {
        draw_classroom(state, height - tab_h);
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

PaneInput CompareView::pane_input(const AppState& state) const {
    PaneInput in;
    const std::string& choice = state.compare.input;
    const bool drawing = state.request.input_tensor != nullptr;
    if ((choice == k_input_drawing || choice.empty()) && drawing) {
        in.tensor = state.request.input_tensor;
        in.label = state.request.input_tensor_label.empty() ? "your drawing"
                                                            : state.request.input_tensor_label;
    } else if (!choice.empty() && choice != k_input_drawing) {
        in.path = choice;
    } else if (!state.request.input_path.empty()) {
        in.path = state.request.input_path;
    } else {
        in.path = default_photo();
    }
    if (!in.tensor) in.label = in.path.empty() ? "each model's sample" : file_name(in.path);
    return in;
}

int CompareView::shown_node(const CompareState& s, const ComparePane& pane) const {
    return s.mode == DepthMode::Relative ? pane.node_at_depth(s.cursor)
                                         : pane.node_at_stage(s.stage);
}

std::vector<CompareRow> CompareView::rows() const {
    std::vector<CompareRow> out;
    for (const auto& p : panes_)
        if (p->ready()) out.push_back(p->row());
    return out;
}

bool CompareView::busy() const {
    for (const auto& p : panes_)
        if (p->busy()) return true;
    return measurer_.busy();
}

void CompareView::step(AppState& state, const Snapshot& snapshot, int delta) {
    (void)snapshot;
    CompareState& s = state.compare;
    if (s.mode == DepthMode::Relative) {
        int deepest = 1;
        for (const auto& p : panes_) deepest = std::max(deepest, p->total_depth());
        const float k = std::round(s.cursor * float(deepest)) + float(delta);
        s.cursor = std::clamp(k / float(deepest), 0.0f, 1.0f);
    } else {
        int stages = 1;
        for (const auto& p : panes_) stages = std::max(stages, p->stage_count());
        s.stage = int(std::clamp(long(s.stage) + delta, 0L, long(stages - 1)));
    }
}

void CompareView::draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) {
    (void)snapshot;
    CompareState& s = state.compare;
    sync_panes(s);
    bool quiet = true;
    for (const auto& p : panes_) quiet = quiet && p->idle();
    measurer_.set_quiet(quiet);
    const PaneInput input = pane_input(state);
    for (size_t i = 0; i < panes_.size(); ++i)
        panes_[i]->update(s.models[i], s.weights_for(i), input, quiet);

    draw_toolbar(state);
    // A short window (presenter mode's large text) cannot show the panes, the numbers and the
    // history at once; rather than scrolling to find them, each gets a tab and all its height.
    const float min_panes_h = ui_scaled(390), min_bottom_h = ui_scaled(280);
    if (ImGui::GetContentRegionAvail().y <
        min_panes_h + min_bottom_h + ImGui::GetStyle().ItemSpacing.y) {
        draw_tabs(state, textures);
        draw_dialog(state);
        return;
    }
    ImGui::BeginChild("compare_body", ImVec2(0, 0), false);
    const float avail = ImGui::GetContentRegionAvail().y;
    const float panes_h = std::max(min_panes_h, std::floor(avail * 0.58f));
    draw_panes(state, textures, panes_h);
    const float bottom_h = std::max(min_bottom_h, ImGui::GetContentRegionAvail().y);
    const float numbers_w = std::floor(ImGui::GetContentRegionAvail().x * 0.52f);
    ImGui::BeginChild("numbers", ImVec2(numbers_w, bottom_h), true);
    draw_numbers(state);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("history", ImVec2(0, bottom_h), true);
    draw_charts(state, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    ImGui::EndChild();
    draw_dialog(state);
}

void CompareView::draw_tabs(AppState& state, TextureCache& textures) {
    if (!ImGui::BeginTabBar("compare_tabs")) return;
    if (ImGui::BeginTabItem("Maps")) {
        draw_panes(state, textures, ImGui::GetContentRegionAvail().y);
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Numbers")) {
        ImGui::BeginChild("numbers", ImVec2(0, 0), true);
        draw_numbers(state);
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("ImageNet history")) {
        ImGui::BeginChild("history", ImVec2(0, 0), true);
        draw_history(state, ImGui::GetContentRegionAvail().y);
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Trained here")) {
        ImGui::BeginChild("classroom", ImVec2(0, 0), true);
        draw_classroom(state, ImGui::GetContentRegionAvail().y);
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

void CompareView::draw_toolbar(AppState& state) {
    CompareState& s = state.compare;
    draw_input_choice(state);
    ImGui::SameLine();
    ImGui::BeginDisabled(s.models.size() >= 4);
    if (ImGui::Button("+ Add pane")) {
        for (const char* m : {"googlenet", "resnet18", "vgg16", "alexnet", "lenet5", "vgg19"}) {
            if (std::find(s.models.begin(), s.models.end(), m) == s.models.end()) {
                s.models.push_back(m);
                break;
            }
        }
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextUnformatted("Maps");
    ImGui::SameLine();
    const char* map_choices[] = {"4", "9", "16", "all"};
    const int map_values[] = {4, 9, 16, 0};
    int map_index = 1;
    for (int i = 0; i < 4; ++i)
        if (map_values[i] == s.maps) map_index = i;
    ImGui::SetNextItemWidth(ui_scaled(60));
    if (ImGui::Combo("##maps", &map_index, map_choices, 4)) s.maps = map_values[map_index];
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Feature maps shown per pane (the first ones)");
    ImGui::SameLine();
    ImGui::BeginDisabled(rows().empty());
    if (ImGui::Button("Export table\xE2\x80\xA6"))
        dialog_.open(k_title_export, {".csv", ".md"}, true, "convlens-compare.csv");
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip(
            "The numbers as CSV (.csv) or Markdown (.md); the picture: File > "
            "Export view as PNG");
    draw_cursor(state);
}

void CompareView::draw_input_choice(AppState& state) {
    CompareState& s = state.compare;
    const PaneInput current = pane_input(state);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Input");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ui_scaled(230));
    if (ImGui::BeginCombo("##input", current.label.c_str())) {
        if (state.request.input_tensor &&
            ImGui::Selectable("Your drawing (Draw view)", current.tensor != nullptr))
            s.input = k_input_drawing;
        if (!state.request.input_path.empty() &&
            ImGui::Selectable(("Opened: " + file_name(state.request.input_path)).c_str(),
                              !current.tensor && current.path == state.request.input_path))
            s.input = state.request.input_path;
        for (const std::string& path : sample_files())
            if (ImGui::Selectable(file_name(path).c_str(), !current.tensor && current.path == path))
                s.input = path;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button("Open image\xE2\x80\xA6"))
        dialog_.open(k_title_open_image, {".png", ".jpg", ".jpeg", ".bmp", ".npy"}, false,
                     current.path);
}

void CompareView::draw_cursor(AppState& state) {
    CompareState& s = state.compare;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Depth cursor");
    ImGui::SameLine();
    int mode = int(s.mode);
    ImGui::RadioButton("Relative depth", &mode, int(DepthMode::Relative));
    ImGui::SameLine();
    ImGui::RadioButton("Output size", &mode, int(DepthMode::Resolution));
    s.mode = DepthMode(mode);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    if (s.mode == DepthMode::Relative) {
        float percent = s.cursor * 100.0f;
        if (ImGui::SliderFloat("##cursor", &percent, 0.0f, 100.0f,
                               "%.0f %% of each network's weight layers"))
            s.cursor = std::clamp(percent / 100.0f, 0.0f, 1.0f);
    } else {
        int stages = 1;
        bool all_ready = true;
        for (const auto& p : panes_) {
            stages = std::max(stages, p->stage_count());
            all_ready = all_ready && p->ready();
        }
        if (all_ready) s.stage = std::clamp(s.stage, 0, stages - 1);  // keep a loaded session's
        stages = std::max(stages, s.stage + 1);
        std::string sizes;
        for (const auto& p : panes_)
            if (p->ready()) sizes += (sizes.empty() ? "" : " | ") + p->stage_size(s.stage);
        const std::string format =
            (s.stage == 0 ? std::string("input") : "stage %d") + ":  " + sizes;
        ImGui::SliderInt("##stage", &s.stage, 0, stages - 1, format.c_str());
    }
}

void CompareView::draw_panes(AppState& state, TextureCache& textures, float height) {
    CompareState& s = state.compare;
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const int n = int(panes_.size());
    const float width = std::floor((ImGui::GetContentRegionAvail().x - gap * float(n - 1)) / n);
    int remove = -1;
    for (int i = 0; i < n; ++i) {
        if (i > 0) ImGui::SameLine();
        ImGui::PushID(i);
        ImGui::BeginChild("pane", ImVec2(width, height), true);
        ComparePane& pane = *panes_[size_t(i)];
        std::string model = s.models[size_t(i)], weights = s.weights_for(size_t(i));
        const PaneAction action =
            pane.draw(i, shown_node(s, pane), s.maps, textures, n > 2, model, weights);
        if (model != s.models[size_t(i)] || weights != s.weights_for(size_t(i))) {
            s.models[size_t(i)] = model;
            if (s.weights.size() < s.models.size()) s.weights.resize(s.models.size());
            s.weights[size_t(i)] = weights;
        }
        if (action == PaneAction::Remove) remove = i;
        if (action == PaneAction::OpenModel) {
            open_model_pane_ = i;
            dialog_.open(k_title_open_model, {".onnx"}, false);
        }
        ImGui::EndChild();
        ImGui::PopID();
    }
    if (remove >= 0) remove_pane(state, size_t(remove));
}

void CompareView::draw_dialog(AppState& state) {
    std::string chosen;
    if (!dialog_.draw(chosen)) return;
    const std::string& t = dialog_.title();
    CompareState& s = state.compare;
    if (t == k_title_open_image) {
        s.input = chosen;
    } else if (t == k_title_open_model) {
        if (open_model_pane_ >= 0 && size_t(open_model_pane_) < s.models.size()) {
            s.models[size_t(open_model_pane_)] = chosen;
            if (size_t(open_model_pane_) < s.weights.size())
                s.weights[size_t(open_model_pane_)].clear();
        }
        open_model_pane_ = -1;
    } else if (t == k_title_export) {
        try {
            const std::vector<CompareRow> r = rows();
            write_file_atomic(chosen,
                              ends_with(chosen, ".md") ? compare_markdown(r) : compare_csv(r));
            state.notice = "Saved " + chosen;
        } catch (const std::exception& e) {
            state.error = e.what();
        }
    }
}

}  // namespace cl
