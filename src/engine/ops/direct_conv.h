// Direct convolution for stride-1 layers with few channels (LeNet-5, TinyVGG): a strip of
// output pixels for a block of output channels stays in registers while the kernel slides
// over the input rows. There im2col + GEMM spends more time unfolding the input than
// multiplying (TinyVGG's 10 -> 10 channel 3x3 layer ran at 73 GFLOP/s that way).
#pragma once

#include <cstdint>

namespace cl {

struct DirectConvShape {  // one sample and one group; stride 1, no dilation
    int cin = 1, cout = 1, height = 1, width = 1, kernel = 1, pad = 0, out_h = 1, out_w = 1;
};

// Whether this kernel beats im2col + GEMM for the layer: few channel pairs (the GEMM's
// dimensions would be too small to pay for its packing) and rows at least 8 outputs wide.
bool direct_conv_worth_it(int cin, int cout, int kernel, int out_w);

// x [cin, H, W], weight [cout, cin, K, K], bias [cout] or nullptr -> out [cout, OH, OW],
// every value overwritten, and ReLU(out) into relu_out unless it is nullptr. Threads over
// rows when the layer is big enough.
void direct_conv(const float* x, const float* weight, const float* bias, float* out,
                 float* relu_out, const DirectConvShape& s);

}  // namespace cl
