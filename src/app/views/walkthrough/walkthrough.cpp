// Walkthrough view (walkthrough.h): layout, the header (model, input, step controls, mini-map,
// cumulative bars) and stepping. The forward pass runs once per input on the worker; a step only
// changes which node is drawn, so stepping never waits for the engine.
#include "app/views/walkthrough/walkthrough.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "app/ui.h"
#include "app/widgets/minimap.h"
#include "engine/io/idx.h"
#include "engine/io/model_input.h"
#include "engine/model_loader.h"
#include "engine/zoo/trained_weights.h"
#include "engine/zoo/zoo.h"

namespace cl {

namespace {
// The lecture's classical networks first, in historical order; then the rest of the zoo.
const char* const k_classics[] = {"lenet5", "alexnet", "vgg16", "googlenet", "resnet18"};
// The same ideas at classroom scale, trained by ConvLens: their kernels and maps mean something.
const char* const k_minis[] = {"alexnet-mini", "vgg-mini", "googlenet-mini", "resnet-mini"};

template <size_t N>
bool listed(const char* const (&names)[N], const std::string& name) {
    return std::any_of(std::begin(names), std::end(names),
                       [&](const char* c) { return name == c; });
}

std::string shape_text(const Shape& s) {
    return std::to_string(s.h) + "\xC3\x97" + std::to_string(s.w) + "\xC3\x97" +
           std::to_string(s.c);
}

bool is_sample_for(const std::string& path, int channels) {
    const std::string name = std::filesystem::path(path).filename().string();
    return channels == 1 ? name.rfind("digit-", 0) == 0 : name.rfind("photo-", 0) == 0;
}
}  // namespace

WalkthroughView::WalkthroughView(EngineServices& services)
    : services_(services), test_images_(services) {}
WalkthroughView::~WalkthroughView() = default;

const char* WalkthroughView::help() const {
    return "Walkthrough: a network one layer at a time, as the lecture's tables of LeNet, "
           "AlexNet, VGG16, GoogLeNet and ResNet18.\n\n"
           "Left/Right (or Up/Down) arrows: previous/next layer; Page Up/Page Down: ten "
           "layers; Home/End: first/last. Click a bar of the "
           "mini-map or a row of the table to jump. 'Main layers only' skips ReLU, BatchNorm, "
           "dropout and flatten, as the lecture tables do.\n\n"
           "Left panel: the layer's row (input and output H\xC3\x97W\xC3\x97"
           "C, kernel, "
           "stride, pad, channels, parameters), the output-size and parameter formulas with the "
           "numbers filled in, MACs and memory, and what the layer is for.\n\n"
           "Right: the maps going in, the layer's kernels (on an RGB input: in colour) and the "
           "maps coming out. Inside an "
           "inception module its four branches are drawn with their outputs (the toggle shows "
           "the naive module without 1\xC3\x97"
           "1 reductions and its cost); inside a residual "
           "block, x, F(x) and F(x) + x side by side.\n\n"
           "Bottom: the whole table; 'Export CSV' and 'Export Markdown' write it to a file. In "
           "presenter mode (F5) the table folds to its buttons so that the layer card fits; "
           "'Show table' unfolds it.\n\n"
           "The full-size ImageNet models of the zoo have random (He-initialised) weights: their "
           "shapes and counts are exact, their kernels are noise. The -mini models keep each "
           "architecture's idea at 28x28 and are trained on Fashion-MNIST by ConvLens, so their "
           "kernels and maps are learned. Open a torchvision ONNX file for learned full-size ones.";
}

void WalkthroughView::refresh(const Snapshot& snapshot) {
    if (!snapshot.ok() || info_.graph == snapshot.graph.get()) return;
    const Graph& graph = *snapshot.graph;
    ModelInfo info;
    info.graph = &graph;
    info.model = snapshot.request.model;
    info.summary = summarize(graph);
    info.modules = find_merge_modules(graph);
    info.all_steps = walkthrough_steps(graph, false);
    info.main_steps = walkthrough_steps(graph, true);
    info.notes.assign(size_t(graph.size()), std::string());
    int64_t params = 0, macs = 0;
    for (const LayerSummary& l : info.summary.layers) {
        info.cum_params.push_back(params += l.params);
        info.cum_macs.push_back(macs += l.macs);
    }
    const std::string& w = snapshot.request.weights;
    info.untrained = zoo_find(info.model) != nullptr && has_random_weights(info.model, w);
    info_ = std::move(info);
    compare_ = InceptionCompare();
    scroll_table_ = true;
}

const std::vector<int>& WalkthroughView::steps(const AppState& state) const {
    return state.walkthrough.main_only ? info_.main_steps : info_.all_steps;
}

int WalkthroughView::current_node(const AppState& state) const {
    const auto it = state.walkthrough.layers.find(info_.model);
    if (it != state.walkthrough.layers.end() && info_.graph) {
        const int found = info_.graph->find(it->second);
        if (found >= 0) return found;
    }
    return 0;
}

void WalkthroughView::go_to(AppState& state, int node) {
    if (!info_.graph || node < 0 || node >= info_.graph->size()) return;
    state.walkthrough.layers[info_.model] = info_.graph->node(node).name;
    scroll_table_ = true;
}

const std::string& WalkthroughView::note(int node) {
    std::string& text = info_.notes[size_t(node)];
    if (text.empty()) text = layer_note(*info_.graph, node);
    return text;
}

void WalkthroughView::step(AppState& state, const Snapshot& snapshot, int delta) {
    refresh(snapshot);
    if (!info_.graph) return;
    const std::vector<int>& list = steps(state);
    const int node = current_node(state);
    // Position of the current node in the list; a node outside it (a ReLU clicked in the table
    // while stepping main layers only) steps to its neighbours in the list.
    const auto at = std::lower_bound(list.begin(), list.end(), node);
    long pos = long(at - list.begin());
    if (at == list.end() || *at != node) pos -= delta > 0 ? 1 : 0;
    pos = std::clamp(pos + delta, 0L, long(list.size()) - 1);
    go_to(state, list[size_t(pos)]);
}

void WalkthroughView::draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) {
    refresh(snapshot);
    if (!snapshot.ok()) {
        ImGui::TextUnformatted(
            "Loading the model and computing its first forward pass\xE2\x80\xA6");
        return;
    }
    const int node = current_node(state);
    draw_header(state, snapshot, node);

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    // A short window (presenter mode's large text, a laptop): the layer card is the point of a
    // step, so it gets half the width, its rows pair up, and the table folds to its button row
    // (unfolded on request) instead of the card needing a scrollbar to reach the notes.
    compact_ = avail.y < ui_scaled(640);
    const float table_bar_h =
        ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().WindowPadding.y * 2;
    const float table_h = compact_ && !show_table_ ? table_bar_h
                          : compact_               ? std::floor(avail.y * 0.4f)
                                                   : std::max(ui_scaled(110), avail.y * 0.27f);
    const float middle_h = std::max(ui_scaled(200), avail.y - table_h - spacing);
    // Inside a module the diagram needs the width more than the card (its notes are short).
    const bool in_module = module_of(info_.modules, node) >= 0;
    const float card_w =
        compact_ ? std::floor(avail.x * (in_module ? 0.4f : 0.5f))
                 : std::clamp(avail.x * 0.34f, std::min(ui_scaled(300), avail.x * 0.36f),
                              ui_scaled(560));
    ImGui::BeginChild("card", ImVec2(card_w, middle_h), true);
    draw_card(state, snapshot, node);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("right", ImVec2(0, middle_h), true);
    const int module = module_of(info_.modules, node);
    const ImVec2 right = ImGui::GetContentRegionAvail();
    if (module >= 0) {
        const bool concat =
            info_.graph->node(info_.modules[size_t(module)].merge).op->kind() == OpKind::Concat;
        // A short panel (presenter mode, a small window) gives the diagram all of it: its own
        // maps (branch outputs; x, F(x), F(x) + x) are the point of the step.
        const float diagram_h = right.y < ui_scaled(concat ? 430 : 470)
                                    ? right.y
                                    : std::floor(right.y * (concat ? 0.56f : 0.66f));
        ImGui::BeginChild("diagram", ImVec2(0, diagram_h), false);
        if (concat)
            draw_inception(state, snapshot, textures, module, node, ImGui::GetContentRegionAvail());
        else
            draw_residual(state, snapshot, textures, module, node, ImGui::GetContentRegionAvail());
        ImGui::EndChild();
        if (diagram_h < right.y) {
            ImGui::Separator();
            draw_maps(state, snapshot, textures, node, ImGui::GetContentRegionAvail());
        }
    } else {
        draw_maps(state, snapshot, textures, node, right);
    }
    ImGui::EndChild();
    ImGui::BeginChild("table_panel", ImVec2(0, 0), true, ImGuiWindowFlags_NoScrollbar);
    draw_table(state, node);
    ImGui::EndChild();
    draw_export(state);
}

void WalkthroughView::draw_header(AppState& state, const Snapshot& snapshot, int node) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Network");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ui_scaled(200));
    const std::string& current = snapshot.request.model;
    const std::string shown =
        zoo_find(current) ? current : std::filesystem::path(current).filename().string();
    if (ImGui::BeginCombo("##model", shown.c_str())) {
        auto entry = [&](const ZooEntry& e) {
            if (ImGui::Selectable(e.name, current == e.name) && current != e.name) {
                state.request.model = e.name;
                state.request.weights.clear();
                state.request.input_path.clear();
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.description);
        };
        for (const char* name : k_classics)
            if (const ZooEntry* e = zoo_find(name)) entry(*e);
        ImGui::Separator();
        text_dim("Trained at classroom scale");
        for (const char* name : k_minis)
            if (const ZooEntry* e = zoo_find(name)) entry(*e);
        ImGui::Separator();
        for (const ZooEntry& e : zoo_list())
            if (!listed(k_classics, e.name) && !listed(k_minis, e.name)) entry(e);
        ImGui::Separator();
        if (ImGui::Selectable("Open an ONNX model\xE2\x80\xA6"))
            state.action = AppAction::OpenModel;
        ImGui::EndCombo();
    }
    ImGui::SameLine(0, ui_scaled(24));
    draw_input_choice(state, snapshot);

    // Step controls and the mini-map on one line.
    const std::vector<int>& list = steps(state);
    const auto at = std::find(list.begin(), list.end(), node);
    char pos[64];
    if (at != list.end())
        std::snprintf(pos, sizeof pos, "Step %d of %d", int(at - list.begin()) + 1,
                      int(list.size()));
    else
        std::snprintf(pos, sizeof pos, "Layer %d (between steps)", node);
    // The checkbox first: its place does not move with the width of the step counter.
    ImGui::Checkbox("Main layers only", &state.walkthrough.main_only);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "Step over convolutions, pooling, fully connected and merge layers "
            "only,\nas the lecture tables do; off: every ReLU, BatchNorm, ... too.");
    ImGui::SameLine();
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) step(state, snapshot, -1);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Previous layer (Left arrow)");
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right)) step(state, snapshot, +1);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Next layer (Right arrow)");
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(pos);

    ImGui::SameLine();
    std::vector<MinimapItem> items;
    int current_item = -1;
    for (int i : list) {
        const LayerSummary& l = info_.summary.layers[size_t(i)];
        MinimapItem item;
        item.name = l.name;
        item.kind = info_.graph->node(i).op->kind();
        item.size = l.output.per_sample();
        item.tooltip = "output " + shape_text(l.output) + ", " + format_thousands(l.params) +
                       " params, " + format_thousands(l.macs) + " MACs";
        if (i == node) current_item = int(items.size());
        items.push_back(std::move(item));
    }
    const float map_w = ImGui::GetContentRegionAvail().x;
    const int clicked =
        minimap("##minimap", items, current_item, ImVec2(map_w, ImGui::GetFrameHeight() * 1.6f));
    if (clicked >= 0) go_to(state, list[size_t(clicked)]);

    const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    draw_progress(state, node, half);
}

void WalkthroughView::draw_progress(AppState& state, int node, float width) {
    (void)state;
    const LayerSummary& l = info_.summary.layers[size_t(node)];
    cumulative_bar("Params", info_.cum_params[size_t(node)], l.params, info_.summary.total_params,
                   width, IM_COL32(60, 150, 90, 255));
    ImGui::SameLine();
    cumulative_bar("MACs", info_.cum_macs[size_t(node)], l.macs, info_.summary.total_macs, width,
                   IM_COL32(66, 120, 200, 255));
}

void WalkthroughView::draw_input_choice(AppState& state, const Snapshot& snapshot) {
    const Shape in = snapshot.graph->input_shape();
    ImGui::AlignTextToFramePadding();
    ImGui::Text("Input: %s", snapshot.input_label.c_str());
    std::vector<std::string> samples;
    for (const std::string& path : sample_files())
        if (is_sample_for(path, in.c)) samples.push_back(path);
    ImGui::SameLine();
    ImGui::BeginDisabled(samples.empty());
    if (ImGui::Button("Next sample")) {
        auto it = std::find(samples.begin(), samples.end(), state.request.input_path);
        state.request.input_path =
            it == samples.end() || it + 1 == samples.end() ? samples.front() : *(it + 1);
        state.request.input_tensor.reset();
        test_images_.forget();
    }
    ImGui::EndDisabled();
    if (in.c == 1 && in.h == 28 && in.w == 28) {
        ImGui::SameLine();
        test_images_.suggest(trained_dataset(snapshot.request.model, snapshot.request.weights) !=
                             "mnist");
        test_images_.draw(state);
    }
    ImGui::SameLine();
    if (ImGui::Button("Open image\xE2\x80\xA6")) state.action = AppAction::OpenImage;
}

}  // namespace cl
