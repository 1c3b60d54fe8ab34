// Weights in the safetensors format (JSON header + raw little-endian F32), the same keys and
// shapes as PyTorch's state_dict: "conv1.weight" [6,1,5,5], "fc1.weight" [120,400], "fc1.bias" [120].
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace cl {

struct NamedTensor {
    Tensor tensor;                 // NCHW, the file's shape right-aligned... see shape below
    std::vector<int64_t> shape;    // the file's own shape (rank 0-4)
};

std::map<std::string, NamedTensor> safetensors_read(const std::string& path);
// Copies every graph parameter from the file; throws cl::Error naming the first missing or
// mismatching tensor and both shapes. Extra tensors in the file are an error too.
void safetensors_load(const std::string& path, Graph& graph);
void safetensors_save(const std::string& path, Graph& graph);  // atomic
void safetensors_write(const std::string& path, const std::map<std::string, NamedTensor>& tensors);

}  // namespace cl
