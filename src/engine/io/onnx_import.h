// ONNX models (as torch.onnx.export writes them) imported into a ConvLens Graph through the
// ONNX library's own protobuf classes. Node names are the ONNX output tensor names.
#pragma once

#include <string>
#include <vector>

#include "engine/graph.h"

namespace cl {

Graph onnx_import(const std::string& path);  // throws cl::Error naming the file (and node)
// The same from the bytes of an .onnx file held in memory; `name` stands for the file in error
// messages and names the graph.
Graph onnx_import_bytes(const std::string& bytes, const std::string& name);
std::vector<std::string> onnx_supported_ops();

}  // namespace cl
