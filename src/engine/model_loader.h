// One way to get a runnable model from what a user types: a built-in name (with its shipped
// trained weights when there are any) or a path to an .onnx file; optional safetensors weights.
#pragma once

#include <string>

#include "engine/graph.h"

namespace cl {

// The shipped weights of a built-in model ("lenet5" -> assets/lenet5-mnist.safetensors), or ""
// when the model ships none (zoo/trained_weights.h lists them).
std::string default_weights_for(const std::string& model);

// name_or_path: a zoo name or a path ending in .onnx. weights: a .safetensors file to load
// instead of the defaults ("" = defaults; "none" = keep the He initialisation).
Graph load_model(const std::string& name_or_path, const std::string& weights = "");

// Class names for the model's outputs: digits for MNIST models, Fashion-MNIST names for the
// fashion weights, ImageNet names for 1000-way models, else "class 0", "class 1", ...
std::vector<std::string> class_names_for_model(const Graph& graph, const std::string& weights = "");

}  // namespace cl
