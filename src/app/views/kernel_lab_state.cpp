// The Kernel Lab's part of the session JSON.
#include "app/views/kernel_lab_state.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace cl {

void to_json(nlohmann::json& j, const KernelLabState& s) {
    j = {{"k", s.k},
         {"kernel", s.kernel},
         {"bias", s.bias},
         {"stride", s.stride},
         {"pad", s.pad},
         {"same_pad", s.same_pad},
         {"relu", s.relu},
         {"same_scale", s.same_scale},
         {"mnist", s.source == KernelLabSource::Mnist},
         {"sample_digit", s.sample_digit},
         {"mnist_index", s.mnist_index}};
}

void from_json(const nlohmann::json& l, KernelLabState& kl) {
    const int k = l.value("k", kl.k);
    const std::vector<float> kernel = l.value("kernel", kl.kernel);
    if (k >= 1 && k <= 7 && int(kernel.size()) == k * k) kl.k = k, kl.kernel = kernel;
    kl.bias = l.value("bias", kl.bias);
    kl.stride = std::clamp(l.value("stride", kl.stride), 1, 4);
    kl.pad = std::clamp(l.value("pad", kl.pad), 0, 3);
    kl.same_pad = l.value("same_pad", kl.same_pad);
    kl.relu = l.value("relu", kl.relu);
    kl.same_scale = l.value("same_scale", kl.same_scale);
    kl.source = l.value("mnist", false) ? KernelLabSource::Mnist : KernelLabSource::Sample;
    kl.sample_digit = std::clamp(l.value("sample_digit", kl.sample_digit), 0, 9);
    kl.mnist_index = std::max(0, l.value("mnist_index", kl.mnist_index));
}

}  // namespace cl
