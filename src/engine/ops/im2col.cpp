// im2col / col2im with the padding handled per row (no bounds test in the inner loop).
#include "engine/ops/im2col.h"

#include <algorithm>
#include <cstdint>

#include "engine/parallel.h"

namespace cl {

namespace {
// Output columns [lo, hi) whose input column ow*stride - pad + offset lies inside [0, width).
void valid_range(int offset, const ConvWindow& w, int* lo, int* hi) {
    const int shift = w.pad - offset;  // ow*stride >= shift  and  ow*stride <= width-1+shift
    *lo = shift <= 0 ? 0 : (shift + w.stride - 1) / w.stride;
    *hi = (w.width - 1 + shift) < 0 ? 0 : (w.width - 1 + shift) / w.stride + 1;
    *lo = std::min(*lo, w.out_w);
    *hi = std::max(*lo, std::min(*hi, w.out_w));
}

// Below this (1.5 MB), threads cost more than they save: copying is cheap, and on a busy
// machine waking a second thread can take a whole time slice (TinyVGG's conv_1_2 copies 1.3 MB
// and took 30 ms at 2 threads under load when threaded, 0.07 ms on one).
constexpr int64_t k_parallel_floats = 3 << 17;
}  // namespace

void im2col(const float* image, const ConvWindow& w, float* columns) {
    im2col_rows(image, w, 0, w.out_h, columns);
}

void im2col_rows(const float* image, const ConvWindow& w, int oh_begin, int oh_end,
                 float* columns) {
    const int kk = w.kernel * w.kernel;
    const int rows = w.channels * kk;
    const int64_t spatial = int64_t(oh_end - oh_begin) * w.out_w;
    parallel_for_if(rows * spatial > k_parallel_floats, rows, [&](int r) {
        const int c = r / kk, kh = (r % kk) / w.kernel, kw = r % w.kernel;
        const int col_offset = kw * w.dilation;
        int lo = 0, hi = 0;
        valid_range(col_offset, w, &lo, &hi);
        float* dst = columns + r * spatial;
        for (int oh = oh_begin; oh < oh_end; ++oh, dst += w.out_w) {
            const int ih = oh * w.stride - w.pad + kh * w.dilation;
            if (ih < 0 || ih >= w.height) {
                std::fill_n(dst, w.out_w, 0.0f);
                continue;
            }
            const float* src = image + (int64_t(c) * w.height + ih) * w.width;
            const int base = col_offset - w.pad;  // input column of output column 0
            std::fill_n(dst, lo, 0.0f);
            if (w.stride == 1 && hi > lo) {
                std::copy(src + lo + base, src + hi + base, dst + lo);
            } else {
                for (int ow = lo; ow < hi; ++ow) dst[ow] = src[ow * w.stride + base];
            }
            std::fill(dst + hi, dst + w.out_w, 0.0f);
        }
    });
}

void col2im(const float* columns, const ConvWindow& w, float* image) {
    const int kk = w.kernel * w.kernel;
    const int64_t spatial = int64_t(w.out_h) * w.out_w;
    // One thread per channel: different channels never write the same pixel.
    parallel_for_if(w.channels * kk * spatial > k_parallel_floats, w.channels, [&](int c) {
        for (int k = 0; k < kk; ++k) {
            const int kh = k / w.kernel, kw = k % w.kernel;
            const int col_offset = kw * w.dilation;
            int lo = 0, hi = 0;
            valid_range(col_offset, w, &lo, &hi);
            const float* src = columns + (int64_t(c) * kk + k) * spatial;
            for (int oh = 0; oh < w.out_h; ++oh, src += w.out_w) {
                const int ih = oh * w.stride - w.pad + kh * w.dilation;
                if (ih < 0 || ih >= w.height) continue;
                float* dst = image + (int64_t(c) * w.height + ih) * w.width;
                const int base = col_offset - w.pad;
                for (int ow = lo; ow < hi; ++ow) dst[ow * w.stride + base] += src[ow];
            }
        }
    });
}

}  // namespace cl
