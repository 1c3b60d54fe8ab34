// Kernel Lab view (see kernel_lab.h): the controls column. The images, the cell arithmetic and
// the animation are in kernel_lab_canvas.cpp.
#include "app/views/kernel_lab.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "app/ui.h"
#include "engine/colormap.h"
#include "engine/error.h"
#include "engine/io/image.h"
#include "engine/kernel_lab.h"

namespace cl {

const char* KernelLabView::help() const {
    return "Kernel Lab: one small kernel (a grid of weights) slides over a digit. At every "
           "position the kernel's weights are multiplied with the pixels under it and added up, "
           "plus the bias: that sum is one pixel of the output map.\n\n"
           "Left: choose the digit (a sample or an MNIST test image), edit the kernel (drag a "
           "value, scroll over it, or Ctrl+click to type), pick a preset, and set stride, zero "
           "padding (shown as dark blue cells around the image) and ReLU. Ctrl+Z / Ctrl+Y undo "
           "and redo kernel edits.\n\n"
           "Output colours: blue negative, white 0, red positive. Hover for values; click an "
           "output pixel to see its arithmetic; click an input pixel to outline (green) the "
           "output pixels it contributes to.\n\n"
           "Animation: Space plays/pauses, Left/Right step one output cell, PageUp/PageDown ten, "
           "Home/End jump to the first/last cell. The orange square is the kernel window.";
}

KernelLabView::KernelEdit KernelLabView::current(const AppState& state) {
    return {state.kernel_lab.k, state.kernel_lab.kernel, state.kernel_lab.bias};
}

void KernelLabView::push_undo(const KernelEdit& before) {
    undo_.push_back(before);
    if (undo_.size() > 200) undo_.erase(undo_.begin());
    redo_.clear();
}

void KernelLabView::apply(AppState& state, const KernelEdit& edit) {
    state.kernel_lab.k = edit.k;
    state.kernel_lab.kernel = edit.kernel;
    state.kernel_lab.bias = edit.bias;
}

void KernelLabView::update_input(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    const std::string key = s.source == KernelLabSource::Mnist
                                ? "mnist:" + std::to_string(s.mnist_index)
                                : "sample:" + std::to_string(s.sample_digit);
    if (key == input_key_) return;
    input_key_ = key;
    input_error_.clear();
    try {
        if (s.source == KernelLabSource::Mnist) {
            if (!mnist_ && mnist_error_.empty()) {
                try {
                    mnist_ = std::make_unique<Dataset>(dataset_load("mnist", "test"));
                } catch (const Error& e) {
                    mnist_error_ = std::string("MNIST is not available (") + e.what() +
                                   "); run scripts/setup.sh to fetch it.";
                }
            }
            if (!mnist_) throw Error(mnist_error_);
            s.mnist_index = std::clamp(s.mnist_index, 0, mnist_->size() - 1);
            const Shape& d = mnist_->images.shape();
            input_ = Tensor::zeros({1, 1, d.h, d.w});  // [1,1,28,28]
            for (int y = 0; y < d.h; ++y)
                for (int x = 0; x < d.w; ++x)
                    input_.at(0, 0, y, x) = mnist_->images.at(s.mnist_index, 0, y, x);
            input_label_ = "MNIST test #" + std::to_string(s.mnist_index) + " (label " +
                           std::to_string(int(mnist_->labels[size_t(s.mnist_index)])) + ")";
        } else {
            const std::string path = std::string(CONVLENS_ASSETS_DIR) + "/samples/digit-" +
                                     std::to_string(s.sample_digit) + ".png";
            input_ = grey_from_image(image_read(path));
            input_label_ = "sample digit-" + std::to_string(s.sample_digit) + ".png";
        }
    } catch (const Error& e) {
        input_error_ = e.what();
        if (input_.numel() == 0) input_ = Tensor::zeros({1, 1, 28, 28});
    }
}

void KernelLabView::step(AppState& state, const Snapshot& snapshot, int delta) {
    (void)snapshot;
    const KernelLabState& s = state.kernel_lab;
    const int pad = s.effective_pad();
    const int cells = lab_output_size(input_.shape().h, s.k, s.stride, pad) *
                      lab_output_size(input_.shape().w, s.k, s.stride, pad);
    if (cells <= 0) return;
    if (!animating_) cell_ = delta > 0 ? -1 : cells;
    animating_ = true;
    playing_ = false;
    cell_ = int(std::clamp(long(cell_) + delta, 0L, long(cells - 1)));
}

void KernelLabView::draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) {
    (void)snapshot;
    update_input(state);
    KernelLabState& s = state.kernel_lab;
    output_error_.clear();
    try {
        output_ = convolve_single(input_, s.kernel, s.k, s.stride, s.effective_pad(), s.bias);
        if (s.relu)
            for (int64_t i = 0; i < output_.numel(); ++i) output_[i] = std::max(0.0f, output_[i]);
    } catch (const Error& e) {
        output_error_ = e.what();
        output_ = Tensor::zeros({1, 1, 1, 1});
    }
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.WantTextInput && io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z)) &&
        !undo_.empty()) {
        redo_.push_back(current(state));
        apply(state, undo_.back());
        undo_.pop_back();
    }
    if (!io.WantTextInput && io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Y)) &&
        !redo_.empty()) {
        undo_.push_back(current(state));
        apply(state, redo_.back());
        redo_.pop_back();
    }

    const float height = ImGui::GetContentRegionAvail().y;
    const float side_w = std::min(ui_scaled(420), ImGui::GetContentRegionAvail().x * 0.4f);
    ImGui::BeginChild("lab-controls", ImVec2(side_w, height), true);
    draw_input_controls(state);
    ImGui::Separator();
    draw_kernel_editor(state);
    draw_presets(state);
    ImGui::Separator();
    draw_hyper_parameters(state);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("lab-canvas", ImVec2(0, height), true);
    draw_images(state, textures, height);
    ImGui::EndChild();
}

void KernelLabView::draw_input_controls(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    ImGui::TextUnformatted("Input");
    ImGui::SameLine(ui_scaled(70));
    int source = int(s.source);
    ImGui::RadioButton("sample digit", &source, int(KernelLabSource::Sample));
    ImGui::SameLine();
    ImGui::RadioButton("MNIST test", &source, int(KernelLabSource::Mnist));
    s.source = KernelLabSource(source);
    ImGui::SetCursorPosX(ui_scaled(70));
    ImGui::SetNextItemWidth(-1);
    if (s.source == KernelLabSource::Sample) {
        ImGui::SliderInt("##digit", &s.sample_digit, 0, 9, "digit %d");
    } else {
        const float buttons_w = ImGui::CalcTextSize("Random Same digit").x +
                                4 * ImGui::GetStyle().FramePadding.x +
                                2 * ImGui::GetStyle().ItemSpacing.x;
        ImGui::SetNextItemWidth(-buttons_w);
        ImGui::InputInt("##index", &s.mnist_index, 1, 100);
        s.mnist_index = std::max(0, s.mnist_index);
        ImGui::BeginDisabled(!mnist_);
        ImGui::SameLine();
        if (ImGui::Button("Random") && mnist_) {
            std::random_device seed;
            s.mnist_index = int(seed() % unsigned(mnist_->size()));
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("a random test digit");
        ImGui::SameLine();
        if (ImGui::Button("Same digit") && mnist_) {  // the next test image of the same class
            const int n = mnist_->size(), label = mnist_->labels[size_t(s.mnist_index % n)];
            for (int i = 1; i < n; ++i)
                if (mnist_->labels[size_t((s.mnist_index + i) % n)] == label) {
                    s.mnist_index = (s.mnist_index + i) % n;
                    break;
                }
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("the next test image with the same label");
        ImGui::EndDisabled();
    }
    if (!input_error_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.3f, 0.3f, 1.0f));
        ImGui::TextWrapped("%s", input_error_.c_str());
        ImGui::PopStyleColor();
    } else {
        text_dim(input_label_.c_str());
    }
}

void KernelLabView::draw_kernel_editor(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    const KernelEdit start = current(state);
    ImGui::TextUnformatted("Kernel");
    ImGui::SameLine(ui_scaled(70));
    ImGui::SetNextItemWidth(ui_scaled(120));
    int k = s.k;
    if (ImGui::SliderInt("##size", &k, 1, 7, "%d") && k != s.k) {
        push_undo(start);
        // Keep the old values centred in the new size, zeros around them.
        std::vector<float> resized(size_t(k * k), 0.0f);
        const int off = (k - s.k) / 2;
        for (int y = 0; y < s.k; ++y)
            for (int x = 0; x < s.k; ++x)
                if (y + off >= 0 && y + off < k && x + off >= 0 && x + off < k)
                    resized[size_t((y + off) * k + x + off)] = s.kernel[size_t(y * s.k + x)];
        s.k = k;
        s.kernel = resized;
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(undo_.empty());
    if (ImGui::Button("Undo")) {
        redo_.push_back(start);
        apply(state, undo_.back());
        undo_.pop_back();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(redo_.empty());
    if (ImGui::Button("Redo")) {
        undo_.push_back(current(state));
        apply(state, redo_.back());
        redo_.pop_back();
    }
    ImGui::EndDisabled();

    float max_abs = 1e-6f;
    for (float v : s.kernel) max_abs = std::max(max_abs, std::fabs(v));
    const float cell_w = std::min(ui_scaled(64), (ImGui::GetContentRegionAvail().x) / float(s.k) -
                                                     ImGui::GetStyle().ItemSpacing.x);
    const ImGuiIO& io = ImGui::GetIO();
    for (int y = 0; y < s.k; ++y) {
        for (int x = 0; x < s.k; ++x) {
            float& v = s.kernel[size_t(y * s.k + x)];
            if (x > 0) ImGui::SameLine();
            // The cell tinted by its sign and size, as the output colours it (blue -, red +).
            const auto c = colormap_rgb(Colormap::Diverging, 0.5f + 0.35f * v / max_abs);
            ImGui::PushStyleColor(ImGuiCol_FrameBg, IM_COL32(c[0], c[1], c[2], 255));
            ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 255));
            ImGui::PushID(y * 8 + x);
            ImGui::SetNextItemWidth(cell_w);
            ImGui::DragFloat("##w", &v, 0.02f, -100.0f, 100.0f, "%.2f");
            if (ImGui::IsItemActivated()) edit_origin_ = start;
            if (ImGui::IsItemDeactivatedAfterEdit()) push_undo(edit_origin_);
            if (ImGui::IsItemHovered() && !ImGui::IsItemActive() && io.MouseWheel != 0.0f) {
                push_undo(start);
                v = std::round((v + 0.1f * io.MouseWheel) * 100.0f) / 100.0f;
            }
            ImGui::PopID();
            ImGui::PopStyleColor(2);
        }
    }
    ImGui::TextUnformatted("Bias");
    ImGui::SameLine(ui_scaled(70));
    ImGui::SetNextItemWidth(ui_scaled(120));
    ImGui::DragFloat("##bias", &s.bias, 0.02f, -100.0f, 100.0f, "%.2f");
    if (ImGui::IsItemActivated()) edit_origin_ = start;
    if (ImGui::IsItemDeactivatedAfterEdit()) push_undo(edit_origin_);
}

void KernelLabView::draw_presets(AppState& state) {
    ImGui::TextUnformatted("Preset");
    ImGui::SameLine(ui_scaled(70));
    ImGui::SetNextItemWidth(-1);
    if (!ImGui::BeginCombo("##preset", "choose\xE2\x80\xA6")) return;
    const KernelEdit start = current(state);
    for (const KernelPreset& p : kernel_presets())
        if (ImGui::Selectable(p.name)) {
            push_undo(start);
            apply(state, {p.k, p.values, 0.0f});
        }
    ImGui::Separator();
    for (int i = 0; i < k_lenet_conv1_filters; ++i) {
        const std::string name = "learned: LeNet conv1 filter " + std::to_string(i);
        if (!ImGui::Selectable(name.c_str())) continue;
        try {
            std::vector<float> values = lenet_conv1_filter(i);
            const int k = int(std::lround(std::sqrt(double(values.size()))));
            push_undo(start);
            apply(state, {k, values, 0.0f});
        } catch (const Error& e) {
            state.error = e.what();
        }
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
    ImGui::Spacing();
    ImGui::TextUnformatted("Output size = (in + 2\xC3\x97pad - k) / stride + 1");
    const int pad_now = s.effective_pad();
    const std::string rows = output_size_formula(input_.shape().h, s.k, s.stride, pad_now);
    const std::string cols = output_size_formula(input_.shape().w, s.k, s.stride, pad_now);
    ImGui::Text("rows:    %s", rows.c_str());
    ImGui::Text("columns: %s", cols.c_str());
    if (!output_error_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.3f, 0.3f, 1.0f));
        ImGui::TextWrapped("%s", output_error_.c_str());
        ImGui::PopStyleColor();
    }
}

}  // namespace cl
