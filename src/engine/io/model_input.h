// The one path from what a user gives (an image file, a drawing, a .npy, a tensor) to a model's
// input tensor, with its checks and one-line errors naming the file; and the built-in sample
// for a model when the user has given nothing. The GUI and the CLI both come through here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/image.h"
#include "engine/tensor.h"

namespace cl {

struct ModelInput {
    Tensor tensor;       // of the model's input shape, [1,C,H,W]
    std::string label;   // what the input is: "digit-3.png", "sample digit-7.png", "your drawing"
    std::string notice;  // worth telling, not an error: "photo.jpg: 9000x6000 downscaled to ..."
};

// A file as the model's input, by its extension:
//  .npy  float32/float64 values used exactly as given; the accepted array shapes are those of
//        npy_input_forms (for a 1x1x28x28 model [28,28], [1,28,28], [1,1,28,28]; for a model
//        that takes features, [N,F], also [N,F]).
//  other an image (PNG/JPEG/BMP) through image_to_input: 1x28x28 models get the MNIST
//        preprocessing, others a resize to HxW. Images larger than 2048 pixels on a side are
//        box-downscaled first (with a notice), beyond 150 megapixels refused.
// Throws cl::Error with one line naming the file.
ModelInput input_from_file(const std::string& path, Shape input_shape);
// A float image (the draw pad's raster, pixels in [0,1]) as an image file would be.
ModelInput input_from_image(const Image& image, Shape input_shape, const std::string& label);
// A tensor: used as it is when it has the model's input shape; one sample of 1 or 3 channels (a
// drawing made for another model) converted as an image. Otherwise an error naming `label`.
ModelInput input_from_tensor(const Tensor& tensor, Shape input_shape, const std::string& label);

// The array shapes a .npy may have for this input shape, every one holding the same values in
// the same order: the 4-D shape with leading 1s dropped (rank 4 down to the first axis above 1)
// and, for a model that takes features ([N,F]: H = W = 1), [N,F] and, for one sample, [F].
std::vector<std::vector<int64_t>> npy_input_forms(Shape input_shape);
// An array read from `what` (its shape as in the file) as the model's input, or a one-line
// error naming `what`, the array's shape and the shapes that would fit.
Tensor array_as_input(const Tensor& values, const std::vector<int64_t>& file_shape,
                      Shape input_shape, const std::string& what);

// The first fitting file of assets/samples/ (a digit for 28x28 models), else a drawn pattern.
ModelInput default_input(Shape input_shape);
// Sample images shipped in assets/samples/, sorted.
std::vector<std::string> sample_files();

}  // namespace cl
