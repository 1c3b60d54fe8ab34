// The test-set stepper (see dataset_stepper.h).
#include "app/widgets/dataset_stepper.h"

#include <imgui.h>

#include <algorithm>

#include "app/ui.h"
#include "engine/io/idx.h"

namespace cl {

void DatasetStepper::draw(AppState& state) {
    ImGui::PushID(this);
    ImGui::AlignTextToFramePadding();
    ImGui::SetNextItemWidth(ui_scaled(150));
    int choice = fashion_ ? 1 : 0;
    const char* sets[] = {"MNIST digits", "Fashion-MNIST"};
    bool pressed = false;
    int delta = 0;
    if (ImGui::Combo("##set", &choice, sets, 2) && (choice == 1) != fashion_) {
        fashion_ = choice == 1;
        chosen_ = true;
        index_ = 0;
        pressed = true;  // switching the set shows its first image
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("The 10,000 test images of MNIST (digits) or Fashion-MNIST (clothes)");
    ImGui::SameLine();
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) pressed = true, delta = -1;
    ImGui::SameLine();
    if (active_)
        ImGui::Text("%d", index_);
    else
        text_dim("test set");
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right)) pressed = true, delta = 1;
    if (pressed) {
        index_ = active_ ? index_ + delta : 0;  // the first press: image 0
        active_ = true;
        pending_ = true;
    }
    std::shared_ptr<const Dataset> data;
    if (pending_) data = services_.datasets.request(spec(), "test");
    if (data && data->size() > 0) {
        pending_ = false;
        index_ = (index_ % data->size() + data->size()) % data->size();  // wraps both ways
        const Shape s = data->images.shape();
        auto image = std::make_shared<Tensor>(Tensor::zeros({1, s.c, s.h, s.w}));
        const float* src = data->images.data() + int64_t(index_) * s.per_sample();
        std::copy(src, src + s.per_sample(), image->data());
        const int label = data->labels[size_t(index_)];
        const std::vector<std::string> names = class_names_for(spec());
        const std::string name =
            label < int(names.size()) ? names[size_t(label)] : std::to_string(label);
        state.request.input_tensor = image;
        state.request.input_tensor_label =
            std::string(fashion_ ? "Fashion-MNIST test image " : "MNIST test digit ") +
            std::to_string(index_) + " (" + name + ")";
    }
    const std::string error = services_.datasets.error(spec(), "test");
    if (!error.empty()) {
        pending_ = false;
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(0.9f, 0.3f, 0.3f, 1), "%s", error.c_str());
    }
    ImGui::PopID();
}

}  // namespace cl
