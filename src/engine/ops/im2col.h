// im2col / col2im: unfold the sliding windows of one sample into the columns of a matrix, so
// that a convolution becomes one GEMM, and fold columns back for the input gradient.
#pragma once

namespace cl {

struct ConvWindow {
    int channels = 1, height = 1, width = 1;  // one sample (one group) of the input
    int kernel = 1, stride = 1, pad = 0, dilation = 1;
    int out_h = 1, out_w = 1;
};

// [C, H, W] -> [C*K*K, OH*OW]; window cells that fall into the padding are 0.
void im2col(const float* image, const ConvWindow& w, float* columns);
// Only output rows [oh_begin, oh_end): [C*K*K, (oh_end - oh_begin)*OW], so that a large
// image is convolved band by band with a column buffer that stays in cache.
void im2col_rows(const float* image, const ConvWindow& w, int oh_begin, int oh_end, float* columns);
// [C*K*K, OH*OW] -> ADDED into [C, H, W] (the transpose of im2col).
void col2im(const float* columns, const ConvWindow& w, float* image);

}  // namespace cl
