// The Kernel Lab's headless half: kernel presets, one kernel convolved over a grey image through
// the engine's Conv2d op (shared with `convlens convolve`), and one output cell written out.
#pragma once

#include <string>
#include <vector>

#include "engine/io/image.h"
#include "engine/tensor.h"

namespace cl {

struct KernelPreset {
    const char* name;
    int k;                      // the kernel is k x k
    std::vector<float> values;  // k*k, row by row
};

// The lecture's pattern detectors first, then the classic image-processing kernels.
const std::vector<KernelPreset>& kernel_presets();

// image [1,1,H,W] -> [1,1,Ho,Wo]; Conv2d with one input and one output channel.
// kernel: k*k values row by row. Throws cl::Error when the kernel does not fit the padded image.
Tensor convolve_single(const Tensor& image, const std::vector<float>& kernel, int k, int stride,
                       int pad, float bias);

// Luminance of an image as [1,1,H,W] in [0,1] (no MNIST re-centring).
Tensor grey_from_image(const Image& image);

// (in + 2*pad - k) / stride + 1, or 0 when the kernel does not fit.
int lab_output_size(int in, int k, int stride, int pad);
// "(28 + 2x1 - 3) / 1 + 1 = 28" with the real numbers (x and - as typeset characters).
std::string output_size_formula(int in, int k, int stride, int pad);

// One output cell computed by hand: the patch of the zero-padded input under the window, the
// products with the kernel, their sum plus bias, and the arithmetic as text.
struct CellArithmetic {
    int row = 0, col = 0;                // top-left of the window in padded-input coordinates
    std::vector<float> patch;            // k*k input values (0 in the padding)
    std::vector<float> products;         // kernel[i] * patch[i]
    float sum = 0, bias = 0, value = 0;  // value = sum + bias
    std::string text;                    // "(-1×0.00) + (-1×0.12) + … + 0.5 = 2.31"
};
CellArithmetic cell_arithmetic(const Tensor& image, const std::vector<float>& kernel, int k,
                               int stride, int pad, float bias, int out_row, int out_col);

// Filter `index` of LeNet-5's conv1 (5x5) from the shipped MNIST weights.
std::vector<float> lenet_conv1_filter(int index);
constexpr int k_lenet_conv1_filters = 6;

}  // namespace cl
