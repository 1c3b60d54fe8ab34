// Kernel Lab view (see kernel_lab.h), the kernel column: the stack of kernels, the editor of the
// selected one, presets and learned filters, hyper-parameters, and kernel surgery on LeNet.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/ui.h"
#include "app/views/kernel_lab/kernel_lab.h"
#include "engine/colormap.h"
#include "engine/error.h"
#include "engine/kernel_lab.h"

namespace cl {

namespace {
const ImVec4 k_error_colour(0.95f, 0.35f, 0.35f, 1.0f);

void error_text(const std::string& text) {
    if (text.empty()) return;
    ImGui::PushStyleColor(ImGuiCol_Text, k_error_colour);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

std::string learned_name(int index) {
    return index < k_lenet_conv1_filters
               ? "LeNet conv1 filter " + std::to_string(index)
               : "LeNet conv2 filter " + std::to_string(index - k_lenet_conv1_filters);
}
}  // namespace

KernelLabView::KernelEdit KernelLabView::current(const AppState& state) {
    return {state.kernel_lab.kernels, state.kernel_lab.selected};
}

void KernelLabView::push_undo(const KernelEdit& before) {
    undo_.push_back(before);
    if (undo_.size() > 200) undo_.erase(undo_.begin());
    redo_.clear();
}

void KernelLabView::undo(AppState& state) {
    if (undo_.empty()) return;
    redo_.push_back(current(state));
    state.kernel_lab.kernels = undo_.back().kernels;
    state.kernel_lab.selected = undo_.back().selected;
    undo_.pop_back();
}

void KernelLabView::redo(AppState& state) {
    if (redo_.empty()) return;
    undo_.push_back(current(state));
    state.kernel_lab.kernels = redo_.back().kernels;
    state.kernel_lab.selected = redo_.back().selected;
    redo_.pop_back();
}

void KernelLabView::apply_preset(AppState& state, int index) {
    const KernelPreset& p = kernel_presets().at(size_t(index));
    push_undo(current(state));
    LabKernel kl;
    kl.k = p.k;
    kl.values = p.values;
    kl.name = p.name;
    state.kernel_lab.kernel() = kl;
    preset_cursor_ = index;
}

void KernelLabView::apply_learned(AppState& state, int index) {
    const bool conv1 = index < k_lenet_conv1_filters;
    const Graph* g = lenet();
    if (!g) {
        if (!lenet_error_.empty())
            state.error = "Kernel Lab: LeNet-5 is not available: " + lenet_error_;
        return;  // still loading: the learned filters are disabled meanwhile
    }
    try {
        const LearnedFilter f = conv_filter(*g, conv1 ? "conv1" : "conv2",
                                            conv1 ? index : index - k_lenet_conv1_filters);
        push_undo(current(state));
        LabKernel kl;
        kl.k = f.k;
        kl.channels = f.channels;
        kl.values = f.weights;
        kl.bias = f.bias;
        kl.name = learned_name(index);
        state.kernel_lab.kernel() = kl;
        learned_cursor_ = index;
        edit_channel_ = 0;
    } catch (const Error& e) {
        state.error = e.what();
    }
}

void KernelLabView::draw_kernel_stack(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    ImGui::TextUnformatted("Kernels");
    ImGui::SameLine(ui_scaled(70));
    for (int i = 0; i < int(s.kernels.size()); ++i) {
        char label[16];
        std::snprintf(label, sizeof label, "%d", i + 1);
        const bool selected = i == s.selected;
        if (selected)
            ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetColorU32(ImGuiCol_ButtonActive));
        if (ImGui::Button(label, ImVec2(ImGui::GetFrameHeight(), 0))) s.selected = i;
        if (selected) ImGui::PopStyleColor();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "kernel %d: %s (key %d)", i + 1,
                s.kernels[size_t(i)].name.empty() ? "edited" : s.kernels[size_t(i)].name.c_str(),
                i + 1);
        ImGui::SameLine();
    }
    ImGui::BeginDisabled(int(s.kernels.size()) >= k_lab_max_kernels);
    if (ImGui::Button("+", ImVec2(ImGui::GetFrameHeight(), 0))) {
        push_undo(current(state));
        s.kernels.push_back(s.kernel());
        s.selected = int(s.kernels.size()) - 1;
    }
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("add a copy of this kernel (A); up to 8 make a stack of output maps");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(s.kernels.size() <= 1);
    if (ImGui::Button("-", ImVec2(ImGui::GetFrameHeight(), 0))) {
        push_undo(current(state));
        s.kernels.erase(s.kernels.begin() + s.selected);
        s.selected = std::min(s.selected, int(s.kernels.size()) - 1);
    }
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("remove this kernel (Delete)");
    ImGui::EndDisabled();
}

void KernelLabView::draw_kernel_editor(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    LabKernel& kl = s.kernel();
    const KernelEdit start = current(state);
    ImGui::TextUnformatted("Size");
    ImGui::SameLine(ui_scaled(70));
    ImGui::SetNextItemWidth(ui_scaled(120));
    int k = kl.k;
    ImGui::BeginDisabled(kl.channels > 1);
    if (ImGui::SliderInt("##size", &k, 1, 7, "%d") && k != kl.k && kl.channels == 1) {
        push_undo(start);
        // Keep the old values centred in the new size, zeros around them.
        std::vector<float> resized(size_t(k * k), 0.0f);
        const int off = (k - kl.k) / 2;
        for (int y = 0; y < kl.k; ++y)
            for (int x = 0; x < kl.k; ++x)
                if (y + off >= 0 && y + off < k && x + off >= 0 && x + off < k)
                    resized[size_t((y + off) * k + x + off)] = kl.values[size_t(y * kl.k + x)];
        kl.k = k;
        kl.values = resized;
        kl.name.clear();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(undo_.empty());
    if (ImGui::Button("Undo")) undo(state);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(redo_.empty());
    if (ImGui::Button("Redo")) redo(state);
    ImGui::EndDisabled();
    LabKernel& kn = s.kernel();  // undo may have replaced it
    edit_channel_ = std::clamp(edit_channel_, 0, kn.channels - 1);
    if (kn.channels > 1) {
        ImGui::TextUnformatted("Channel");
        ImGui::SameLine(ui_scaled(70));
        ImGui::SetNextItemWidth(ui_scaled(200));
        ImGui::SliderInt("##channel", &edit_channel_, 0, kn.channels - 1, "input channel %d");
    }
    text_dim(kn.name.empty() ? "edited by hand" : kn.name.c_str());

    const int kk = kn.k, base = edit_channel_ * kk * kk;
    float max_abs = 1e-6f;
    for (int i = 0; i < kk * kk; ++i)
        max_abs = std::max(max_abs, std::fabs(kn.values[size_t(base + i)]));
    const float cell_w = std::min(ui_scaled(64), ImGui::GetContentRegionAvail().x / float(kk) -
                                                     ImGui::GetStyle().ItemSpacing.x);
    const ImGuiIO& io = ImGui::GetIO();
    for (int y = 0; y < kk; ++y) {
        for (int x = 0; x < kk; ++x) {
            float& v = kn.values[size_t(base + y * kk + x)];
            if (x > 0) ImGui::SameLine();
            // The cell tinted by its sign and size, as the output colours it (blue -, red +).
            const auto c = colormap_rgb(Colormap::Diverging, 0.5f + 0.35f * v / max_abs);
            ImGui::PushStyleColor(ImGuiCol_FrameBg, IM_COL32(c[0], c[1], c[2], 255));
            ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 255));
            ImGui::PushID(y * 8 + x);
            ImGui::SetNextItemWidth(cell_w);
            if (ImGui::DragFloat("##w", &v, 0.02f, -100.0f, 100.0f, "%.2f")) kn.name.clear();
            if (ImGui::IsItemActivated()) edit_origin_ = start;
            if (ImGui::IsItemDeactivatedAfterEdit()) push_undo(edit_origin_);
            if (ImGui::IsItemHovered() && !ImGui::IsItemActive() && io.MouseWheel != 0.0f) {
                push_undo(start);
                v = std::round((v + 0.1f * io.MouseWheel) * 100.0f) / 100.0f;
                kn.name.clear();
            }
            ImGui::PopID();
            ImGui::PopStyleColor(2);
        }
    }
    ImGui::TextUnformatted("Bias");
    ImGui::SameLine(ui_scaled(70));
    ImGui::SetNextItemWidth(ui_scaled(120));
    ImGui::DragFloat("##bias", &kn.bias, 0.02f, -100.0f, 100.0f, "%.2f");
    if (ImGui::IsItemActivated()) edit_origin_ = start;
    if (ImGui::IsItemDeactivatedAfterEdit()) push_undo(edit_origin_);
}

void KernelLabView::draw_presets(AppState& state) {
    ImGui::TextUnformatted("Preset");
    ImGui::SameLine(ui_scaled(70));
    ImGui::SetNextItemWidth(-1);
    if (!ImGui::BeginCombo("##preset", "choose (P, L)\xE2\x80\xA6", ImGuiComboFlags_HeightLarge))
        return;
    const std::vector<KernelPreset>& presets = kernel_presets();
    for (int i = 0; i < int(presets.size()); ++i)
        if (ImGui::Selectable(presets[size_t(i)].name)) apply_preset(state, i);
    ImGui::Separator();
    for (int i = 0; i < k_lenet_conv1_filters + k_lenet_conv2_filters; ++i) {
        std::string name = "learned: " + learned_name(i);
        if (i >= k_lenet_conv1_filters) name += " (6 channels)";
        if (ImGui::Selectable(name.c_str())) apply_learned(state, i);
    }
    ImGui::EndCombo();
}

void KernelLabView::draw_hyper_parameters(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    ImGui::TextUnformatted("Stride");
    ImGui::SameLine(ui_scaled(70));
    ImGui::SetNextItemWidth(ui_scaled(150));
    ImGui::SliderInt("##stride", &s.stride, 1, 4);
    ImGui::TextUnformatted("Padding");
    ImGui::SameLine(ui_scaled(70));
    ImGui::BeginDisabled(s.same_pad);
    ImGui::SetNextItemWidth(ui_scaled(150));
    int pad = s.effective_pad();
    if (ImGui::SliderInt("##pad", &pad, 0, 3)) s.pad = pad;
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::Checkbox("same", &s.same_pad);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("pad = (k-1)/2: at stride 1 the output is as large as the input");
    ImGui::Checkbox("ReLU after the convolution", &s.relu);
    ImGui::Checkbox("Output with the input's magnification", &s.same_scale);
    ImGui::Checkbox("Values in cells (V)", &s.cell_values);
    ImGui::SameLine();
    ImGui::Checkbox("Zoom on window (W)", &s.zoom_window);
    ImGui::Spacing();
    ImGui::TextUnformatted("Output size = (in + 2\xC3\x97pad - k) / stride + 1");
    const int pad_now = s.effective_pad();
    const Tensor& in = lab_input(s.kernel());
    const std::string rows = output_size_formula(in.shape().h, s.kernel().k, s.stride, pad_now);
    const std::string cols = output_size_formula(in.shape().w, s.kernel().k, s.stride, pad_now);
    ImGui::Text("rows:    %s", rows.c_str());
    ImGui::Text("columns: %s", cols.c_str());
    error_text(output_error_);
}

void KernelLabView::use_as_conv1_filter(AppState& state, const Snapshot& snapshot) {
    const KernelLabState& s = state.kernel_lab;
    const LabKernel& kl = s.kernel();
    surgery_message_.clear();
    try {
        if (!snapshot.graph || snapshot.request.model != state.request.model ||
            conv_filter_count(*snapshot.graph, "conv1") == 0)
            throw Error("The current model has no conv1 layer to put the kernel into.");
        const LearnedFilter trained = conv_filter(*snapshot.graph, "conv1", 0);
        if (trained.channels != 1)
            throw Error("conv1 of this model has " + std::to_string(trained.channels) +
                        " input channels; the lab's kernel has one.");
        if (kl.channels != 1)
            throw Error("This kernel has " + std::to_string(kl.channels) +
                        " channels (a conv2 filter); conv1 filters have one.");
        const int filters = conv_filter_count(*snapshot.graph, "conv1");
        const int target = std::clamp(s.surgery_filter, 0, filters - 1);
        FilterReplacement r;
        r.node = "conv1";
        r.channel = target;
        r.weights = kernel_as_filter(kl.values, kl.k, trained.k);
        r.bias = kl.bias;
        std::vector<FilterReplacement>& replaced = state.request.replaced;
        replaced.erase(std::remove_if(replaced.begin(), replaced.end(),
                                      [&](const FilterReplacement& o) {
                                          return o.node == r.node && o.channel == r.channel;
                                      }),
                       replaced.end());
        replaced.push_back(r);
        surgery_message_ = "conv1 filter " + std::to_string(target) + " is now this kernel" +
                           (kl.k < trained.k ? " (centred in zeros)." : ".");
    } catch (const Error& e) {
        surgery_message_.clear();
        state.error.clear();
        surgery_message_ = std::string("! ") + e.what();
    }
}

void KernelLabView::draw_surgery(AppState& state, const Snapshot& snapshot) {
    KernelLabState& s = state.kernel_lab;
    ImGui::TextUnformatted("Into the network: kernel surgery on conv1");
    const bool has_conv1 = snapshot.graph && snapshot.request.model == state.request.model &&
                           conv_filter_count(*snapshot.graph, "conv1") > 0;
    int filters = 0, filter_k = 0, channels = 0;
    if (has_conv1) {
        filters = conv_filter_count(*snapshot.graph, "conv1");
        const LearnedFilter f = conv_filter(*snapshot.graph, "conv1", 0);
        filter_k = f.k;
        channels = f.channels;
    }
    const bool usable = has_conv1 && channels == 1;
    ImGui::BeginDisabled(!usable);
    ImGui::SetNextItemWidth(ui_scaled(150));
    s.surgery_filter = std::clamp(s.surgery_filter, 0, std::max(0, filters - 1));
    ImGui::SliderInt("##target", &s.surgery_filter, 0, std::max(0, filters - 1), "filter %d (F)");
    ImGui::SameLine();
    if (ImGui::Button("Use as conv1 filter (U)")) use_as_conv1_filter(state, snapshot);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip(
            "Replace the trained conv1 filter by this kernel (centred in a %d\xC3\x97%d "
            "filter) and bias; Draw & Classify and Feature Maps show the effect.",
            filter_k, filter_k);
    ImGui::EndDisabled();
    if (!usable) {
        text_dim(!has_conv1 ? "(the current model has no conv1 layer)"
                            : "(conv1 of the current model has several input channels)");
    }
    std::vector<FilterReplacement>& replaced = state.request.replaced;
    ImGui::BeginDisabled(replaced.empty());
    if (ImGui::Button("Reset trained weights (Shift+U)")) {
        replaced.clear();
        surgery_message_ = "LeNet's trained conv1 filters are back.";
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Go to Draw & Classify (G)")) state.view = "draw";
    if (!surgery_message_.empty() && surgery_message_[0] == '!') {
        error_text(surgery_message_.substr(2));
    } else if (!surgery_message_.empty()) {
        ImGui::TextWrapped("%s", surgery_message_.c_str());
    }
    if (!replaced.empty()) {
        std::string list = "MODIFIED: replaced";
        for (const FilterReplacement& r : replaced)
            list += " " + r.node + "[" + std::to_string(r.channel) + "]";
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.65f, 0.2f, 1.0f));
        ImGui::TextWrapped("%s", list.c_str());
        ImGui::PopStyleColor();
    }
    // What the (possibly modified) network now says about the Draw view's input.
    if (snapshot.ok() && !snapshot.class_names.empty()) {
        const Tensor& probs = snapshot.activations.outputs.back();
        int best = 0;
        double total = 0;
        for (int i = 0; i < int(probs.numel()); ++i) {
            total += double(probs[i]);
            if (probs[i] > probs[best]) best = i;
        }
        // Only a softmax output reads as percentages.
        if (best < int(snapshot.class_names.size()) && std::fabs(total - 1.0) < 1e-3)
            ImGui::TextWrapped("%s on %s: %s (%.0f%%)",
                               snapshot.request.modified() ? "Modified network" : "Network",
                               snapshot.input_label.c_str(),
                               snapshot.class_names[size_t(best)].c_str(),
                               100.0 * double(probs[best]));
    }
}

}  // namespace cl
