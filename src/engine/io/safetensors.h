// Weights in the safetensors format (JSON header + raw little-endian F32), with the keys and
// shapes of PyTorch's state_dict: "conv1.weight" [6,1,5,5], "fc1.weight" [120,400].
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace cl {

struct NamedTensor {
    Tensor tensor;               // the values; the file's shape laid into (n,c,h,w) from the
                                 // left, as NamedParam does: [120,400] -> 120x400x1x1
    std::vector<int64_t> shape;  // the file's own shape (rank 0-4)
};

std::map<std::string, NamedTensor> safetensors_read(const std::string& path);
// Copies every graph parameter from the file; throws cl::Error naming the first missing or
// mismatching tensor and both shapes. Extra tensors in the file are an error too.
void safetensors_load(const std::string& path, Graph& graph);
void safetensors_save(const std::string& path, Graph& graph);  // atomic
// The "producer" of the file's __metadata__ ("convlens" for files ConvLens wrote), "" when it has
// none or the file is unreadable. Reads only the header.
std::string safetensors_producer(const std::string& path);
void safetensors_write(const std::string& path, const std::map<std::string, NamedTensor>& tensors);

}  // namespace cl
