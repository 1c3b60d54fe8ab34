// A ConvLens graph written as an ONNX model (opset 13) through the ONNX library's protobuf
// classes, so that a model trained here opens in other tools. Tensor names are the node names;
// weights are initializers named like PyTorch's state_dict ("conv1.weight").
#pragma once

#include <string>

#include "engine/graph.h"

namespace cl {

constexpr int k_onnx_export_opset = 13;

// Written atomically. Throws cl::Error naming the node whose op has no ONNX form here.
void onnx_export(const Graph& graph, const std::string& path);
// The bytes of that file (for a caller that keeps them in memory).
std::string onnx_export_bytes(const Graph& graph);

}  // namespace cl
