// The Kernel Lab's part of the session JSON.
#include "app/views/kernel_lab/kernel_lab_state.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace cl {

namespace {
const char* source_name(KernelLabSource s) {
    switch (s) {
        case KernelLabSource::Mnist:
            return "mnist";
        case KernelLabSource::Fashion:
            return "fashion-mnist";
        case KernelLabSource::DrawPad:
            return "draw-pad";
        case KernelLabSource::File:
            return "file";
        case KernelLabSource::Sample:
            break;
    }
    return "sample";
}

// A kernel from JSON, or false when it is malformed (the caller keeps what it had).
bool read_kernel(const nlohmann::json& j, LabKernel& out) {
    if (!j.is_object()) return false;
    LabKernel kl;
    kl.k = j.value("k", 0);
    kl.channels = j.value("channels", 1);
    kl.values = j.value("kernel", std::vector<float>{});
    kl.bias = j.value("bias", 0.0f);
    kl.name = j.value("name", std::string());
    if (kl.k < 1 || kl.k > 7 || kl.channels < 1 || kl.channels > 64 ||
        int(kl.values.size()) != kl.channels * kl.k * kl.k)
        return false;
    out = kl;
    return true;
}
}  // namespace

void to_json(nlohmann::json& j, const KernelLabState& s) {
    nlohmann::json kernels = nlohmann::json::array();
    for (const LabKernel& kl : s.kernels)
        kernels.push_back({{"k", kl.k},
                           {"channels", kl.channels},
                           {"kernel", kl.values},
                           {"bias", kl.bias},
                           {"name", kl.name}});
    j = {{"kernels", kernels},
         {"selected", s.selected},
         {"stride", s.stride},
         {"pad", s.pad},
         {"same_pad", s.same_pad},
         {"relu", s.relu},
         {"same_scale", s.same_scale},
         {"cell_values", s.cell_values},
         {"zoom_window", s.zoom_window},
         {"source", source_name(s.source)},
         {"sample_digit", s.sample_digit},
         {"mnist_index", s.mnist_index},
         {"fashion_index", s.fashion_index},
         {"image_path", s.image_path},
         {"rgb", s.rgb},
         {"surgery_filter", s.surgery_filter}};
}

void from_json(const nlohmann::json& l, KernelLabState& kl) {
    if (l.contains("kernels") && l["kernels"].is_array() && !l["kernels"].empty()) {
        std::vector<LabKernel> kernels;
        for (const nlohmann::json& j : l["kernels"]) {
            LabKernel one;
            if (read_kernel(j, one) && int(kernels.size()) < k_lab_max_kernels)
                kernels.push_back(one);
        }
        if (!kernels.empty()) kl.kernels = kernels;
    } else {  // sessions before the kernel stack: one kernel at the top level
        LabKernel one;
        if (read_kernel(l, one)) kl.kernels = {one};
    }
    kl.selected = std::clamp(l.value("selected", kl.selected), 0, int(kl.kernels.size()) - 1);
    kl.stride = std::clamp(l.value("stride", kl.stride), 1, 4);
    kl.pad = std::clamp(l.value("pad", kl.pad), 0, 3);
    kl.same_pad = l.value("same_pad", kl.same_pad);
    kl.relu = l.value("relu", kl.relu);
    kl.same_scale = l.value("same_scale", kl.same_scale);
    kl.cell_values = l.value("cell_values", kl.cell_values);
    kl.zoom_window = l.value("zoom_window", kl.zoom_window);
    const std::string source =
        l.value("source", l.value("mnist", false) ? std::string("mnist") : std::string("sample"));
    for (KernelLabSource s :
         {KernelLabSource::Sample, KernelLabSource::Mnist, KernelLabSource::Fashion,
          KernelLabSource::DrawPad, KernelLabSource::File})
        if (source == source_name(s)) kl.source = s;
    kl.sample_digit = std::clamp(l.value("sample_digit", kl.sample_digit), 0, 9);
    kl.mnist_index = std::max(0, l.value("mnist_index", kl.mnist_index));
    kl.fashion_index = std::max(0, l.value("fashion_index", kl.fashion_index));
    kl.image_path = l.value("image_path", kl.image_path);
    kl.rgb = l.value("rgb", kl.rgb);
    kl.surgery_filter = std::clamp(l.value("surgery_filter", kl.surgery_filter), 0, 15);
}

}  // namespace cl
