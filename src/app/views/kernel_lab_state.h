// The Kernel Lab's user choices (part of AppState, saved in the session): the edited kernel and
// its hyper-parameters, and which image it is applied to.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace cl {

enum class KernelLabSource { Sample, Mnist };

struct KernelLabState {
    int k = 3;                                                   // the kernel is k x k, 1..7
    std::vector<float> kernel = {-1, -1, -1, 1, 1, 1, 0, 0, 0};  // k*k, row by row
    float bias = 0.0f;
    int stride = 1;         // 1..4
    int pad = 0;            // 0..3, ignored when same_pad
    bool same_pad = false;  // pad = (k-1)/2: output as large as the input at stride 1
    bool relu = false;
    bool same_scale = true;  // output drawn with the input's magnification
    KernelLabSource source = KernelLabSource::Sample;
    int sample_digit = 3;  // assets/samples/digit-N.png
    int mnist_index = 0;   // test-set index
    int effective_pad() const { return same_pad ? (k - 1) / 2 : pad; }
};

// Session JSON (kernel_lab_state.cpp). from_json keeps the current value of a missing or
// out-of-range field.
void to_json(nlohmann::json& j, const KernelLabState& s);
void from_json(const nlohmann::json& j, KernelLabState& s);

}  // namespace cl
