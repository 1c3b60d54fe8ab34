// The Kernel Lab's user choices (part of AppState, saved in the session): the edited kernels and
// their hyper-parameters, and which image they are applied to.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace cl {

enum class KernelLabSource { Sample, Mnist, Fashion, DrawPad, File };

// One kernel of the lab's stack (like one filter of a conv layer).
struct LabKernel {
    int k = 3;         // k x k, 1..7
    int channels = 1;  // 6: a LeNet conv2 filter, applied to LeNet's pool1 maps of the input
    std::vector<float> values = {-1, -1, -1, 1, 1, 1, 0, 0, 0};  // channels*k*k, row by row
    float bias = 0.0f;
    std::string name = "horizontal edge";  // the preset it came from, "" once edited by hand
    bool operator==(const LabKernel& o) const {
        return k == o.k && channels == o.channels && values == o.values && bias == o.bias &&
               name == o.name;
    }
};

constexpr int k_lab_max_kernels = 8;

struct KernelLabState {
    std::vector<LabKernel> kernels = {LabKernel{}};  // 1..8 kernels, each an output map
    int selected = 0;                                // the kernel being edited and animated
    int stride = 1;                                  // 1..4
    int pad = 0;                                     // 0..3, ignored when same_pad
    bool same_pad = false;  // pad = (k-1)/2: output as large as the input at stride 1
    bool relu = false;
    bool same_scale = true;    // output drawn with the input's magnification
    bool cell_values = true;   // pixel values printed in the cells when they are large enough
    bool zoom_window = false;  // the input cropped around the kernel window, magnified
    KernelLabSource source = KernelLabSource::Sample;
    int sample_digit = 3;    // assets/samples/digit-N.png
    int mnist_index = 0;     // test-set index
    int fashion_index = 0;   // Fashion-MNIST test-set index
    std::string image_path;  // source File
    bool rgb = false;        // source File: its R, G, B as three input channels, not grey
    int surgery_filter = 0;  // which LeNet conv1 filter "use as conv1 filter" replaces

    LabKernel& kernel() { return kernels.at(size_t(selected)); }
    const LabKernel& kernel() const { return kernels.at(size_t(selected)); }
    int effective_pad() const { return same_pad ? (kernel().k - 1) / 2 : pad; }
};

// Session JSON (kernel_lab_state.cpp). from_json keeps the current value of a missing or
// out-of-range field, and reads the single kernel of older sessions ("k", "kernel", "bias").
void to_json(nlohmann::json& j, const KernelLabState& s);
void from_json(const nlohmann::json& j, KernelLabState& s);

}  // namespace cl
