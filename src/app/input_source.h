// What the app feeds a model: an image or .npy file (huge images downscaled first, with a
// message), or a built-in sample when the user has chosen none. Runs on the worker thread.
#pragma once

#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cl {

struct ModelInput {
    Tensor tensor;       // [1,C,H,W] of the model's input shape
    std::string label;   // what the window says the input is
    std::string notice;  // e.g. "photo.jpg: 9000x6000 downscaled to 1024x683"
};

ModelInput input_from_file(const std::string& path, Shape input_shape);
// The first fitting file of assets/samples/ (a digit for 28x28 models), else a drawn pattern.
ModelInput default_input(Shape input_shape);
// Sample images shipped in assets/samples/, sorted.
std::vector<std::string> sample_files();

}  // namespace cl
