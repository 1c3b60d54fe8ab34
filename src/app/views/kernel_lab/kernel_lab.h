// Kernel Lab view: hand-edited kernels slid over a digit, as in the lecture's "Convolution
// Operation" slides: a stack of up to 8 kernels with presets (and LeNet's learned filters) and
// undo, stride/padding/ReLU, the output maps, the arithmetic of one output cell stepped or
// animated across the image, and "kernel surgery": a lab kernel as one of LeNet's conv1 filters.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/file_dialog.h"
#include "app/views/view.h"
#include "engine/graph.h"
#include "engine/io/idx.h"
#include "engine/kernel_lab.h"
#include "engine/tensor.h"

namespace cl {

class KernelLabView : public View {
public:
    explicit KernelLabView(EngineServices& services) : services_(services) {}
    const char* id() const override { return "kernel-lab"; }
    const char* title() const override { return "Kernel Lab"; }
    const char* help() const override;
    void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) override;
    void step(AppState& state, const Snapshot& snapshot, int delta) override;
    bool busy() const override { return input_job_.running() || lenet_job_.running(); }

    // What the input job makes (kernel_lab_input.cpp): the image and LeNet's pool1 maps of it.
    struct LabInput {
        Tensor input;  // [1,1,H,W], or [1,3,H,W] for an image file in colour
        std::string label;
        int index = 0;  // the test image or sample digit, clamped to what exists
        Tensor pool1;   // [1,6,14,14] for a 28x28 digit
        std::string pool1_error;
    };

private:
    struct KernelEdit {
        std::vector<LabKernel> kernels;
        int selected = 0;
    };
    // kernel_lab_input.cpp: the image, read by a job.
    void update_input(AppState& state);
    void browse(AppState& state, int direction);  // next/previous image of the chosen class
    void random_image(AppState& state);
    const Graph* lenet();  // from the model cache, loaded by a job; nullptr until it is there

    // kernel_lab.cpp: outputs (the one small convolution the UI thread may run), keys.
    void compute_outputs(const AppState& state);
    void handle_keys(AppState& state, const Snapshot& snapshot);
    void draw_input_controls(AppState& state);
    // What a kernel is applied to: the image (grey or R, G, B), or LeNet's pool1 maps for a
    // six-channel conv2 filter; and its weights for that input (a single-channel kernel on an
    // RGB image: the same weights in each channel).
    bool uses_pool1(const LabKernel& kernel) const;
    const Tensor& lab_input(const LabKernel& kernel) const;
    std::vector<float> lab_values(const LabKernel& kernel) const;

    // kernel_lab_kernels.cpp: the kernel stack, editor, presets, hyper-parameters, surgery.
    void draw_kernel_stack(AppState& state);
    void draw_kernel_editor(AppState& state);
    void draw_presets(AppState& state);
    void draw_hyper_parameters(AppState& state);
    void draw_surgery(AppState& state, const Snapshot& snapshot);
    void apply_preset(AppState& state, int index);   // into the selected kernel, undoable
    void apply_learned(AppState& state, int index);  // 0..5 conv1, 6..21 conv2
    void use_as_conv1_filter(AppState& state, const Snapshot& snapshot);
    void push_undo(const KernelEdit& before);
    void undo(AppState& state);
    void redo(AppState& state);
    static KernelEdit current(const AppState& state);

    // kernel_lab_canvas.cpp: the input with the window, the output maps, the arithmetic.
    void draw_images(AppState& state, const TextureCache& textures, float height);
    void draw_output_stack(AppState& state, ImVec2 origin, ImVec2 size);
    void draw_arithmetic(const AppState& state);
    void draw_animation_controls(AppState& state);
    void draw_products_table(const CellArithmetic& c, const std::vector<float>& kernel, int k);
    void toggle_play();

    EngineServices& services_;
    // The image the kernels are applied to, and where it came from: the newest input job's.
    Tensor input_ = Tensor::zeros({1, 1, 28, 28});
    std::string input_key_, input_label_, input_error_;
    JobHandle<LabInput> input_job_;
    uint64_t adopted_job_ = 0;  // the input job whose answer input_ holds
    int browse_class_ = -1;     // -1: any class
    FileDialog dialog_;
    // LeNet-5 (trained weights) for the learned filters; the pool1 maps its conv2 filters see.
    std::shared_ptr<const LoadedModel> lenet_;
    JobHandle<LoadedModel> lenet_job_;
    std::string lenet_error_;
    Tensor pool1_;  // [1,6,14,14] of input_
    std::string pool1_error_;
    std::vector<Tensor> outputs_;  // one [1,1,Ho,Wo] per kernel, after the optional ReLU
    std::vector<std::string> output_errors_;
    Tensor output_;  // the selected kernel's
    std::string output_error_;
    int preset_cursor_ = -1, learned_cursor_ = -1;  // for the P / L keys
    std::string surgery_message_;

    std::vector<KernelEdit> undo_, redo_;
    KernelEdit edit_origin_;  // the kernels when the cell being dragged was grabbed
    int edit_channel_ = 0;    // which input channel of a several-channel kernel is edited
    int shown_channel_ = 0;   // which input channel's products the arithmetic shows

    // Animation: the output cell being computed, row-major; -1 shows the whole map.
    int cell_ = 0;
    // Until a person picks a cell (click, step, play), the arithmetic shows the cell with the
    // strongest response: the top-left corner of a digit is all zeros, nothing to read.
    bool cell_picked_ = false;
    bool animating_ = false, playing_ = false;
    float speed_ = 4.0f;  // cells per second
    double play_clock_ = 0.0;
    int picked_ = -1;  // input pixel clicked (padded coordinates, row-major), -1 none
};

}  // namespace cl
