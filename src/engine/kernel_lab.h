// The Kernel Lab's headless half: kernel presets, one kernel convolved over a grey image through
// the engine's Conv2d op (shared with `convlens convolve`), and one output cell written out.
#pragma once

#include <string>
#include <vector>

#include "engine/graph.h"
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

// image [1,C,H,W] -> [1,1,Ho,Wo]; Conv2d with C input channels and one output channel, as one
// filter of a conv layer. kernel: C*k*k values, channel by channel, row by row. Throws cl::Error
// when the kernel does not fit the padded image.
Tensor convolve_single(const Tensor& image, const std::vector<float>& kernel, int k, int stride,
                       int pad, float bias);

// Luminance of an image as [1,1,H,W] in [0,1] (no MNIST re-centring).
Tensor grey_from_image(const Image& image);

// (in + 2*pad - k) / stride + 1, or 0 when the kernel does not fit.
int lab_output_size(int in, int k, int stride, int pad);
// "(28 + 2x1 - 3) / 1 + 1 = 28" with the real numbers (x and - as typeset characters).
std::string output_size_formula(int in, int k, int stride, int pad);

// One output cell computed by hand: the patch of the zero-padded input under the window, the
// products with the kernel, their sum plus bias, and the arithmetic as text. With C input
// channels each channel's products add up to a partial sum, and the partial sums plus the bias
// make the output, as in a real conv layer.
struct CellArithmetic {
    int row = 0, col = 0;                // top-left of the window in padded-input coordinates
    std::vector<float> patch;            // C*k*k input values (0 in the padding)
    std::vector<float> products;         // kernel[i] * patch[i]
    std::vector<float> channel_sums;     // C partial sums
    float sum = 0, bias = 0, value = 0;  // value = sum + bias
    // One channel: "(-1×0.00) + (-1×0.12) + … + 0.5 = 2.31";
    // several: "ch0 1.20 + ch1 -0.30 + … + bias 0.05 = 2.31".
    std::string text;
};
CellArithmetic cell_arithmetic(const Tensor& image, const std::vector<float>& kernel, int k,
                               int stride, int pad, float bias, int out_row, int out_col);

// Filter `index` of LeNet-5's conv1 (5x5) from the shipped MNIST weights.
std::vector<float> lenet_conv1_filter(int index);
constexpr int k_lenet_conv1_filters = 6;
constexpr int k_lenet_conv2_filters = 16;  // each 6 channels of 5x5, over pool1's 6 maps

// One trained filter of a conv layer: weights [C,K,K] flattened, and its bias.
struct LearnedFilter {
    int channels = 1, k = 0;
    std::vector<float> weights;  // channels*k*k
    float bias = 0.0f;
};
// Throws cl::Error naming the node when it is not a convolution or has no filter `index`.
LearnedFilter conv_filter(const Graph& graph, const std::string& node, int index);
int conv_filter_count(const Graph& graph, const std::string& node);  // 0 when no such conv

// What the convolution `node` sees for this network input: the output of the node feeding it
// ([1,C,H,W]; for LeNet's conv2 the six 14x14 pool1 maps).
Tensor conv_input(const Graph& graph, const std::string& node, const Tensor& input);

// A k x k kernel as the weights of one filter_k x filter_k single-channel filter ("use as
// LeNet conv1 filter k"): centred in zeros (an even kernel sits up-left of the centre). Throws
// cl::Error when the kernel is larger than the filter.
std::vector<float> kernel_as_filter(const std::vector<float>& kernel, int k, int filter_k);

// An image's three colour channels as [1,3,H,W] in [0,1] (a grey image repeated in all three).
Tensor rgb_from_image(const Image& image);

// The image [1,C,H,W] shrunk (area average) until neither side exceeds max_side: a photo as a
// few thousand cells the lab can draw and animate. Unchanged when it already fits.
Tensor shrink_to_fit(const Tensor& image, int max_side);

// A single-channel kernel as a `channels`-channel one with the same weights in every channel
// (an edge detector applied to R, G and B, whose three partial sums add up).
std::vector<float> repeat_channels(const std::vector<float>& kernel, int channels);

}  // namespace cl
