// Kernel Lab view: one hand-edited kernel slid over a digit, as in the lecture's "Convolution
// Operation" slides: kernel editor with presets and undo, stride/padding/ReLU, the output map,
// and the arithmetic of one output cell, stepped or animated across the image.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/views/view.h"
#include "engine/io/idx.h"
#include "engine/kernel_lab.h"
#include "engine/tensor.h"

namespace cl {

class KernelLabView : public View {
public:
    const char* id() const override { return "kernel-lab"; }
    const char* title() const override { return "Kernel Lab"; }
    const char* help() const override;
    void draw(AppState& state, const Snapshot& snapshot, TextureCache& textures) override;
    void step(AppState& state, const Snapshot& snapshot, int delta) override;

private:
    struct KernelEdit {
        int k = 3;
        std::vector<float> kernel;
        float bias = 0;
    };
    void update_input(AppState& state);
    void draw_input_controls(AppState& state);
    void draw_kernel_editor(AppState& state);
    void draw_presets(AppState& state);
    void draw_hyper_parameters(AppState& state);
    void draw_images(AppState& state, const TextureCache& textures, float height);
    void draw_arithmetic(const AppState& state);
    void draw_animation_controls(AppState& state);
    void draw_products_table(const CellArithmetic& c, const std::vector<float>& kernel, int k);
    void push_undo(const KernelEdit& before);
    void apply(AppState& state, const KernelEdit& edit);
    static KernelEdit current(const AppState& state);

    // The image the kernel is applied to, and where it came from (UI-thread cache).
    Tensor input_;  // [1,1,H,W]
    std::string input_key_, input_label_, input_error_;
    std::unique_ptr<Dataset> mnist_;  // loaded on first use
    std::string mnist_error_;
    Tensor output_;  // [1,1,Ho,Wo] after the optional ReLU
    std::string output_error_;

    std::vector<KernelEdit> undo_, redo_;
    KernelEdit edit_origin_;  // the kernel when the cell being dragged was grabbed

    // Animation: the output cell being computed, row-major; -1 shows the whole map.
    int cell_ = 0;
    bool animating_ = false, playing_ = false;
    float speed_ = 4.0f;  // cells per second
    double play_clock_ = 0.0;
    int picked_ = -1;  // input pixel clicked (padded coordinates, row-major), -1 none
};

}  // namespace cl
