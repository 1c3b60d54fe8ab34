// Kernel Lab view (see kernel_lab.h): the input, the outputs of the kernel stack, the keys and
// the frame's layout. The kernel controls are in kernel_lab_kernels.cpp; the images, the cell
// arithmetic and the animation in kernel_lab_canvas.cpp.
#include "app/views/kernel_lab/kernel_lab.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "app/ui.h"
#include "engine/error.h"
#include "engine/io/image.h"
#include "engine/kernel_lab.h"
#include "engine/model_loader.h"
#include "engine/paths.h"

namespace cl {

namespace {
const char* source_label(KernelLabSource s) {
    switch (s) {
        case KernelLabSource::Mnist:
            return "MNIST test digit";
        case KernelLabSource::Fashion:
            return "Fashion-MNIST test image";
        case KernelLabSource::DrawPad:
            return "the Draw pad's digit";
        case KernelLabSource::File:
            return "image file";
        case KernelLabSource::Sample:
            break;
    }
    return "sample digit";
}
constexpr int k_sources = 5;

bool pressed(int key) {
    return ImGui::IsKeyPressed(key, false);
}
}  // namespace

const char* KernelLabView::help() const {
    return "Kernel Lab: small kernels (grids of weights) slide over an image. At every position "
           "the kernel's weights are multiplied with the pixels under it and added up, plus the "
           "bias: that sum is one pixel of the output map. Several kernels make a stack of maps, "
           "like one conv layer.\n\n"
           "Left: the input (sample, MNIST or Fashion-MNIST test image, the Draw pad's digit, or "
           "an image file), the kernel stack (1-8 select, A adds, Delete removes), the kernel "
           "(drag a value, scroll over it, or Ctrl+click to type), presets (P) and LeNet's "
           "learned filters (L; a conv2 filter sees LeNet's six pool1 maps and adds six partial "
           "sums), stride (S), zero padding (O), ReLU (R), and 'use as LeNet conv1 filter' (U; "
           "Shift+U restores the trained weights; G goes to Draw & Classify).\n\n"
           "Output colours: blue negative, white 0, red positive. Hover for values; click an "
           "output pixel to see its arithmetic; click an input pixel to outline (green) the "
           "output pixels it contributes to. V prints pixel values in the cells, W zooms on the "
           "kernel window.\n\n"
           "Animation: Space plays/pauses, Left/Right step one output cell, PageUp/PageDown ten, "
           "Home/End jump to the first/last cell, Enter shows the whole map. Images: N / B "
           "next / previous, Shift+N random, C class, I input source. Ctrl+Z / Ctrl+Y undo and "
           "redo kernel edits.";
}

bool KernelLabView::uses_pool1(const LabKernel& kernel) const {
    return kernel.channels > 1 && kernel.channels != input_.shape().c;
}

const Tensor& KernelLabView::lab_input(const LabKernel& kernel) const {
    return uses_pool1(kernel) ? pool1_ : input_;
}

std::vector<float> KernelLabView::lab_values(const LabKernel& kernel) const {
    const int channels = lab_input(kernel).shape().c;
    return kernel.channels == 1 && channels > 1 ? repeat_channels(kernel.values, channels)
                                                : kernel.values;
}

namespace {
// Row-major index of the largest |value| (the first one on ties).
int strongest_cell(const Tensor& map) {
    int best = 0;
    for (int64_t i = 1; i < map.numel(); ++i)
        if (std::fabs(map[i]) > std::fabs(map[best])) best = int(i);
    return best;
}
}  // namespace

void KernelLabView::compute_outputs(const AppState& state) {
    const KernelLabState& s = state.kernel_lab;
    outputs_.assign(s.kernels.size(), Tensor::zeros({1, 1, 1, 1}));
    output_errors_.assign(s.kernels.size(), std::string());
    for (size_t i = 0; i < s.kernels.size(); ++i) {
        const LabKernel& kl = s.kernels[i];
        const int pad = s.same_pad ? (kl.k - 1) / 2 : s.pad;
        try {
            if (uses_pool1(kl)) {
                if (!pool1_error_.empty()) throw Error(pool1_error_);
                if (pool1_.shape().c != kl.channels)
                    throw Error("this kernel has " + std::to_string(kl.channels) +
                                " channels; LeNet's pool1 has " + std::to_string(pool1_.shape().c));
            }
            Tensor out =
                convolve_single(lab_input(kl), lab_values(kl), kl.k, s.stride, pad, kl.bias);
            if (s.relu)
                for (int64_t j = 0; j < out.numel(); ++j) out[j] = std::max(0.0f, out[j]);
            outputs_[i] = out;
        } catch (const Error& e) {
            output_errors_[i] = e.what();
        }
    }
    output_ = outputs_[size_t(s.selected)];
    output_error_ = output_errors_[size_t(s.selected)];
    if (!cell_picked_ && output_error_.empty()) cell_ = strongest_cell(output_);
}

void KernelLabView::step(AppState& state, const Snapshot& snapshot, int delta) {
    (void)snapshot, (void)state;
    const int cells = output_error_.empty() ? int(output_.numel()) : 0;
    if (cells <= 0) return;
    if (!animating_) cell_ = delta > 0 ? -1 : cells;
    animating_ = true;
    cell_picked_ = true;
    playing_ = false;
    cell_ = int(std::clamp(long(cell_) + delta, 0L, long(cells - 1)));
}

void KernelLabView::handle_keys(AppState& state, const Snapshot& snapshot) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
    KernelLabState& s = state.kernel_lab;
    if (io.KeyCtrl) {
        if (pressed(GLFW_KEY_Z)) undo(state);
        if (pressed(GLFW_KEY_Y)) redo(state);
        return;
    }
    if (io.KeyAlt) return;
    const bool shift = io.KeyShift;
    if (pressed(GLFW_KEY_SPACE)) toggle_play();
    if (pressed(GLFW_KEY_ENTER) || pressed(GLFW_KEY_KP_ENTER)) animating_ = playing_ = false;
    if (pressed(GLFW_KEY_N)) shift ? random_image(state) : browse(state, 1);
    if (pressed(GLFW_KEY_B)) browse(state, -1);
    if (pressed(GLFW_KEY_C)) browse_class_ = browse_class_ >= 9 ? -1 : browse_class_ + 1;
    if (pressed(GLFW_KEY_I)) s.source = KernelLabSource((int(s.source) + 1) % k_sources);
    if (pressed(GLFW_KEY_P)) {
        const int n = int(kernel_presets().size());
        preset_cursor_ = ((preset_cursor_ + (shift ? -1 : 1)) % n + n) % n;
        apply_preset(state, preset_cursor_);
    }
    if (pressed(GLFW_KEY_L)) {
        const int n = k_lenet_conv1_filters + k_lenet_conv2_filters;
        learned_cursor_ = ((learned_cursor_ + (shift ? -1 : 1)) % n + n) % n;
        apply_learned(state, learned_cursor_);
    }
    for (int i = 0; i < k_lab_max_kernels; ++i)
        if (pressed(GLFW_KEY_1 + i) && i < int(s.kernels.size())) s.selected = i;
    if (pressed(GLFW_KEY_A) && int(s.kernels.size()) < k_lab_max_kernels) {
        const KernelEdit before = current(state);
        s.kernels.push_back(s.kernel());
        s.selected = int(s.kernels.size()) - 1;
        push_undo(before);
    }
    if (pressed(GLFW_KEY_DELETE) && s.kernels.size() > 1) {
        push_undo(current(state));
        s.kernels.erase(s.kernels.begin() + s.selected);
        s.selected = std::min(s.selected, int(s.kernels.size()) - 1);
    }
    if (pressed(GLFW_KEY_S)) s.stride = s.stride % 4 + 1;
    if (pressed(GLFW_KEY_O)) {  // 0 1 2 3 same 0 ...
        if (s.same_pad) {
            s.same_pad = false;
            s.pad = 0;
        } else if (s.pad == 3) {
            s.same_pad = true;
        } else {
            ++s.pad;
        }
    }
    if (pressed(GLFW_KEY_R)) s.relu = !s.relu;
    if (pressed(GLFW_KEY_V)) s.cell_values = !s.cell_values;
    if (pressed(GLFW_KEY_W)) s.zoom_window = !s.zoom_window;
    if (pressed(GLFW_KEY_G)) state.view = "draw";
    if (pressed(GLFW_KEY_F)) s.surgery_filter = (s.surgery_filter + 1) % k_lenet_conv1_filters;
    if (pressed(GLFW_KEY_U)) {
        if (shift) {
            state.request.replaced.clear();
            surgery_message_ = "LeNet's trained conv1 filters are back.";
        } else {
            use_as_conv1_filter(state, snapshot);
        }
    }
}

void KernelLabView::draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) {
    KernelLabState& s = state.kernel_lab;
    if (s.kernels.empty()) s.kernels.push_back(LabKernel{});
    s.selected = std::clamp(s.selected, 0, int(s.kernels.size()) - 1);
    lenet();  // starts its load early: the learned filters and the pool1 maps need it
    handle_keys(state, snapshot);
    update_input(state);
    compute_outputs(state);

    const float height = ImGui::GetContentRegionAvail().y;
    const float side_w = std::min(ui_scaled(420), ImGui::GetContentRegionAvail().x * 0.4f);
    ImGui::BeginChild("lab-controls", ImVec2(side_w, height), true);
    draw_input_controls(state);
    ImGui::Separator();
    draw_kernel_stack(state);
    draw_kernel_editor(state);
    draw_presets(state);
    ImGui::Separator();
    draw_hyper_parameters(state);
    ImGui::Separator();
    draw_surgery(state, snapshot);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("lab-canvas", ImVec2(0, height), true);
    draw_images(state, textures, height);
    ImGui::EndChild();

    std::string chosen;
    if (dialog_.draw(chosen)) {
        s.image_path = chosen;
        s.source = KernelLabSource::File;
    }
}

void KernelLabView::draw_input_controls(AppState& state) {
    KernelLabState& s = state.kernel_lab;
    ImGui::TextUnformatted("Input");
    ImGui::SameLine(ui_scaled(70));
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##source", source_label(s.source))) {
        for (int i = 0; i < k_sources; ++i)
            if (ImGui::Selectable(source_label(KernelLabSource(i)), int(s.source) == i))
                s.source = KernelLabSource(i);
        ImGui::EndCombo();
    }
    ImGui::SetCursorPosX(ui_scaled(70));
    const ImGuiStyle& style = ImGui::GetStyle();
    if (s.source == KernelLabSource::Sample) {
        ImGui::SetNextItemWidth(-1);
        ImGui::SliderInt("##digit", &s.sample_digit, 0, 9, "digit %d");
    } else if (s.source == KernelLabSource::Mnist || s.source == KernelLabSource::Fashion) {
        std::shared_ptr<const Dataset> d = services_.datasets.request(
            s.source == KernelLabSource::Fashion ? "fashion-mnist" : "mnist", "test");
        int& index = s.source == KernelLabSource::Fashion ? s.fashion_index : s.mnist_index;
        const float buttons_w =
            ImGui::CalcTextSize("<>Random").x + 6 * style.FramePadding.x + 3 * style.ItemSpacing.x;
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - buttons_w);
        ImGui::InputInt("##index", &index, 0, 0);
        index = std::max(0, index);
        ImGui::BeginDisabled(!d);
        ImGui::SameLine();
        if (ImGui::Button("<")) browse(state, -1);
        ImGui::SameLine();
        if (ImGui::Button(">")) browse(state, 1);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("next test image of the class (N)");
        ImGui::SameLine();
        if (ImGui::Button("Random")) random_image(state);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("a random test image of the class (Shift+N)");
        ImGui::SetCursorPosX(ui_scaled(70));
        ImGui::SetNextItemWidth(-1);
        const std::string any = "class: any";
        const std::string now =
            browse_class_ < 0 || !d ? any : "class: " + d->class_names.at(size_t(browse_class_));
        if (ImGui::BeginCombo("##class", now.c_str())) {
            if (ImGui::Selectable(any.c_str(), browse_class_ < 0)) browse_class_ = -1;
            for (int c = 0; d && c < int(d->class_names.size()); ++c)
                if (ImGui::Selectable(d->class_names[size_t(c)].c_str(), browse_class_ == c)) {
                    browse_class_ = c;
                    if (d->labels[size_t(index)] != c) browse(state, 1);
                }
            ImGui::EndCombo();
        }
        ImGui::EndDisabled();
    } else if (s.source == KernelLabSource::File) {
        if (ImGui::Button("Open image\xE2\x80\xA6"))
            dialog_.open("Kernel Lab: open an image", {".png", ".jpg", ".jpeg", ".bmp"}, false,
                         s.image_path.empty() ? assets_dir() + "/samples/" : s.image_path);
        ImGui::SameLine();
        ImGui::Checkbox("R, G, B channels", &s.rgb);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(
                "three input channels instead of grey: the kernel runs over each, "
                "and the three partial sums add up, as in a conv layer");
    }
    if (input_job_.running()) {
        text_dim("loading\xE2\x80\xA6");
    } else if (!input_error_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.3f, 0.3f, 1.0f));
        ImGui::TextWrapped("%s", input_error_.c_str());
        ImGui::PopStyleColor();
    } else {
        text_dim(input_label_.c_str());
    }
}

}  // namespace cl
