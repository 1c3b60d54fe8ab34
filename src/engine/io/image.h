// Images in (stb_image: PNG/JPEG/BMP) and out (stb_image_write PNG), and the conversion of
// an image into a model's input tensor (files of every kind: io/model_input.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cl {

struct Image {
    int width = 0, height = 0, channels = 0;  // channels: 1 (grey) or 3 (RGB)
    std::vector<float> pixels;                // H*W*channels, row-major, in [0,1]
};

Image image_read(const std::string& path);  // throws cl::Error naming the file
// MNIST convention: white digit on black (a dark-on-light image is inverted), the digit's
// bounding box fitted into 20x20 keeping aspect, centred by centre of mass in 28x28.
Tensor mnist_preprocess(const Image& image);  // [1,1,28,28]
// An image as the model's input: 1x28x28 models get mnist_preprocess; others are resized
// (bilinear) to HxW with C channels, pixel / 255, no mean/std.
Tensor image_to_input(const Image& image, Shape input_shape);

void png_write_rgb(const std::string& path, int width, int height, const std::vector<uint8_t>& rgb);
void png_write_gray(const std::string& path, int width, int height,
                    const std::vector<uint8_t>& gray);

}  // namespace cl
