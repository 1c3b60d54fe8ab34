// Draw & Classify, which network: LeNet-5 on MNIST digits (the default), LeNet-5 on
// Fashion-MNIST, or an imported ONNX model; the pad's drawing prepared the way each data set
// was, and "Load" taking a test example from the matching data set.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <climits>
#include <string>

#include "app/app_state.h"
#include "app/ui.h"
#include "app/views/draw_classify/draw_classify.h"
#include "engine/io/image.h"
#include "engine/io/model_input.h"
#include "engine/paths.h"

namespace cl {

namespace {
const char* k_mnist_title = "LeNet-5 \xE2\x80\x94 MNIST digits";
const char* k_fashion_title = "LeNet-5 \xE2\x80\x94 Fashion-MNIST";

std::string fashion_weights() {
    return assets_dir() + "/lenet5-fashion.safetensors";
}

// [1,1,28,28]: the pad's 112x112 raster averaged over 4x4 blocks. Fashion-MNIST items fill
// their 28x28 frame, so they are not fitted into 20x20 like the digits.
Tensor downsample_raster(const Image& raster) {
    const int f = raster.width / 28;
    Tensor t = Tensor::zeros({1, 1, 28, 28});
    for (int y = 0; y < 28 * f && y < raster.height; ++y)
        for (int x = 0; x < 28 * f && x < raster.width; ++x)
            t.at(0, 0, y / f, x / f) +=
                raster.pixels[size_t(y * raster.width + x) * size_t(raster.channels)] /
                float(f * f);
    return t;
}

std::string file_name(const std::string& path) {
    return path.substr(path.find_last_of("/\\") + 1);
}

void choose_lenet(AppState& state, const std::string& weights) {
    state.request.model = "lenet5";
    state.request.weights = weights;
    // Kernel surgery names filters of one network; it does not carry over to another.
    state.request.zeroed.clear();
    state.request.replaced.clear();
}
}  // namespace

bool DrawClassifyView::fashion_model(const AppState& state) const {
    return state.request.model == "lenet5" &&
           state.request.weights.find("fashion") != std::string::npos;
}

void DrawClassifyView::draw_model_choice(AppState& state, float width) {
    const bool lenet = state.request.model == "lenet5";
    const bool fashion = fashion_model(state);
    const std::string other = file_name(state.request.model);
    const char* preview = !lenet ? other.c_str() : fashion ? k_fashion_title : k_mnist_title;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##model", preview)) {
        if (ImGui::Selectable(k_mnist_title, lenet && !fashion) && (!lenet || fashion)) {
            choose_lenet(state, "");
            load_example(state);
        }
        if (ImGui::Selectable(k_fashion_title, fashion) && !fashion) {
            choose_lenet(state, fashion_weights());
            load_example(state);
        }
        if (!lenet) ImGui::Selectable(other.c_str(), true);
        if (ImGui::Selectable("Open ONNX model\xE2\x80\xA6")) state.action = AppAction::OpenModel;
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("The network that reads the pad: %s\n(any model whose input is 1x28x28)",
                          state.request.model.c_str());
}

bool DrawClassifyView::draw_unsupported_model(AppState& state, const Snapshot& snapshot) {
    const Shape in = snapshot.graph->input_shape();
    if (in.c == 1 && in.h == 28 && in.w == 28) return false;
    ImGui::Spacing();
    ImGui::TextUnformatted(
        "Draw & Classify needs a network that reads 28\xC3\x97"
        "28 grey images.");
    ImGui::TextWrapped(
        "%s reads %s images (channels \xC3\x97 height \xC3\x97 width), so a "
        "drawing on the pad cannot be its input. The Feature Maps view shows "
        "any model.",
        file_name(snapshot.request.model).c_str(), in.chw().c_str());
    ImGui::Spacing();
    if (ImGui::Button(k_mnist_title)) choose_lenet(state, "");
    ImGui::SameLine();
    if (ImGui::Button(k_fashion_title)) choose_lenet(state, fashion_weights());
    ImGui::SameLine();
    if (ImGui::Button("Open ONNX model\xE2\x80\xA6")) state.action = AppAction::OpenModel;
    ImGui::SameLine();
    if (ImGui::Button("Show this model in Feature Maps")) state.view = "feature-maps";
    return true;
}

void DrawClassifyView::submit_drawing(AppState& state) {
    // [1,1,28,28]: digits fitted into 20x20 and centred by centre of mass, as MNIST was
    // prepared; Fashion-MNIST items fill the frame.
    auto input = std::make_shared<Tensor>(fashion_model(state) ? downsample_raster(pad_.raster())
                                                               : mnist_preprocess(pad_.raster()));
    state.request.input_tensor = input;
    state.request.input_tensor_label = pad_.empty() ? "an empty pad" : "your drawing";
}

void DrawClassifyView::step(AppState& state, const Snapshot& /*snapshot*/, int delta) {
    // Home / End come as huge deltas: clamped to the data set by load_example.
    const int64_t index = int64_t(state.draw.mnist_index) + delta;
    state.draw.mnist_index = int(std::clamp<int64_t>(index, 0, INT_MAX));
    load_example(state);
}

void DrawClassifyView::handle_keys(AppState& state) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;  // typing a test image number
    if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Z) && pad_.undo()) submit_drawing(state);
    if (!io.KeyCtrl &&
        (ImGui::IsKeyPressed(GLFW_KEY_DELETE) || ImGui::IsKeyPressed(GLFW_KEY_BACKSPACE))) {
        pad_.clear();
        submit_drawing(state);
    }
    if (!io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_E, false))
        state.draw.eraser = !state.draw.eraser;
}

void DrawClassifyView::load_example(AppState& state) {
    example_pending_ = true;
    load_pending_example(state);
}

// The test set comes from the window's shared cache, loaded as a job: the first "Load" starts
// it and the example follows a few frames later (draw() retries while it is pending).
void DrawClassifyView::load_pending_example(AppState& state) {
    const bool fashion = fashion_model(state);
    const std::string spec = fashion ? "fashion-mnist" : "mnist";
    std::shared_ptr<const Dataset> data = services_.datasets.request(spec, "test");
    if (!data && services_.datasets.error(spec, "test").empty()) return;  // still loading
    example_pending_ = false;
    Tensor example;
    if (data && data->size() > 0) {
        state.draw.mnist_index = std::clamp(state.draw.mnist_index, 0, data->size() - 1);
        const Shape s = data->images.shape();
        example = Tensor::zeros({1, 1, s.h, s.w});
        for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x)
                example.at(0, 0, y, x) = data->images.at(state.draw.mnist_index, 0, y, x);
        const int label = data->labels[size_t(state.draw.mnist_index)];
        const std::string name = label < int(data->class_names.size())
                                     ? data->class_names[size_t(label)]
                                     : std::to_string(label);
        loaded_label_ = std::string(fashion ? "Fashion-MNIST" : "MNIST") + " test image " +
                        std::to_string(state.draw.mnist_index) + " (" + name + ")";
    } else if (!fashion) {
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
        example = mnist_preprocess(image_read(path));
        loaded_label_ = "sample " + file_name(path);
    } else {
        return;  // the tooltip of "Load" says why
    }
    pad_.set_background(example);
    submit_drawing(state);
    state.request.input_tensor_label = loaded_label_;
}

}  // namespace cl
