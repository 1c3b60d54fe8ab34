// The register-blocked loops: CB output channels x 8*NV pixels of one output row accumulate
// in vector registers (CB broadcasts and FMAs per input vector loaded). A padded layer is first
// copied into a zero-bordered scratch image so that the inner loops have no bounds checks.
#include "engine/ops/direct_conv.h"

#include <algorithm>
#include <cstring>

#include "engine/error.h"
#include "engine/ops/gemm.h"
#include "engine/ops/scratch.h"
#include "engine/ops/simd.h"
#include "engine/parallel.h"

namespace cl {

namespace {

constexpr int k_max_block = 6;                // output channels per register block
constexpr int k_max_channel_pairs = 16 * 16;  // cin x cout up to which direct wins (measured)

struct Image {  // the (padded) input of one sample and group
    const float* data;
    int width;      // row stride
    int64_t plane;  // channel stride
};

using Wide = VecWide;  // 12 accumulators fit in the registers of either width

// Output row `oy`, pixels [x0, x0 + NV vectors), channels [0, CB) of the block starting at
// `w`/`out`: CB*NV accumulators (at most 12) stay in registers while every input vector
// loaded feeds CB multiply-adds.
template <typename V, int CB, int NV>
void conv_strip(const Image& in, const float* w, const float* bias, float* out, float* relu_out,
                const DirectConvShape& s, int oy, int x0) {
    const int k = s.kernel;
    const int64_t w_stride = int64_t(s.cin) * k * k;  // next output channel's weights
    V acc[CB][NV];
    for (int c = 0; c < CB; ++c)
        for (int j = 0; j < NV; ++j) acc[c][j] = V{} + (bias ? bias[c] : 0.0f);
    for (int ci = 0; ci < s.cin; ++ci) {
        for (int ky = 0; ky < k; ++ky) {
            const float* row = in.data + ci * in.plane + int64_t(oy + ky) * in.width + x0;
            const float* wr = w + (int64_t(ci) * k + ky) * k;
            for (int kx = 0; kx < k; ++kx) {
                V v[NV];
                for (int j = 0; j < NV; ++j) v[j] = vec_load<V>(row + kx + vec_lanes<V> * j);
                for (int c = 0; c < CB; ++c) {
                    const float wv = wr[c * w_stride + kx];
                    for (int j = 0; j < NV; ++j) acc[c][j] += wv * v[j];
                }
            }
        }
    }
    const int64_t out_plane = int64_t(s.out_h) * s.out_w;
    for (int c = 0; c < CB; ++c) {
        const int64_t at = c * out_plane + int64_t(oy) * s.out_w + x0;
        std::memcpy(out + at, acc[c], sizeof(acc[c]));
        if (!relu_out) continue;
        for (int j = 0; j < NV; ++j) {  // as relu_into: NaN and -0 stay
            const V v = acc[c][j];
            const V r = v < V{} ? V{} : v;
            std::memcpy(relu_out + at + vec_lanes<V> * j, &r, sizeof(r));
        }
    }
}

// One output row of CB channels: strips of NV vectors, the last one shifted left to end at
// the edge (it recomputes a few pixels rather than needing a narrower kernel).
template <typename V, int CB, int NV>
void conv_row(const Image& in, const float* w, const float* bias, float* out, float* relu_out,
              const DirectConvShape& s, int oy) {
    constexpr int width = vec_lanes<V> * NV;
    for (int x0 = 0;; x0 += width) {
        const int start = std::min(x0, s.out_w - width);
        conv_strip<V, CB, NV>(in, w, bias, out, relu_out, s, oy, start);
        if (start + width >= s.out_w) break;
    }
}

template <typename V, int NV>
void conv_row_block(int channels, const Image& in, const float* w, const float* bias, float* out,
                    float* relu_out, const DirectConvShape& s, int oy) {
    switch (channels) {
        case 1:
            return conv_row<V, 1, NV>(in, w, bias, out, relu_out, s, oy);
        case 2:
            return conv_row<V, 2, NV>(in, w, bias, out, relu_out, s, oy);
        case 3:
            return conv_row<V, 3, NV>(in, w, bias, out, relu_out, s, oy);
        case 4:
            return conv_row<V, 4, NV>(in, w, bias, out, relu_out, s, oy);
        case 5:
            return conv_row<V, 5, NV>(in, w, bias, out, relu_out, s, oy);
        default:
            return conv_row<V, 6, NV>(in, w, bias, out, relu_out, s, oy);
    }
}

// The input with `pad` zeros on every side, in the calling thread's scratch (or x itself).
Image padded_input(const float* x, const DirectConvShape& s) {
    if (s.pad == 0) return {x, s.width, int64_t(s.height) * s.width};
    const int pw = s.width + 2 * s.pad, ph = s.height + 2 * s.pad;
    float* buffer = thread_scratch(ScratchSlot::PaddedInput, size_t(s.cin) * ph * pw);
    std::fill_n(buffer, size_t(s.cin) * ph * pw, 0.0f);
    for (int c = 0; c < s.cin; ++c)
        for (int y = 0; y < s.height; ++y)
            std::memcpy(buffer + (int64_t(c) * ph + y + s.pad) * pw + s.pad,
                        x + (int64_t(c) * s.height + y) * s.width, sizeof(float) * s.width);
    return {buffer, pw, int64_t(ph) * pw};
}

}  // namespace

bool direct_conv_worth_it(int cin, int cout, int kernel, int out_w) {
    return out_w >= 8 && cin * cout <= k_max_channel_pairs && kernel <= 7;
}

void direct_conv(const float* x, const float* weight, const float* bias, float* out,
                 float* relu_out, const DirectConvShape& s) {
    CL_ASSERT(s.out_w >= 8);
    CL_ASSERT(s.out_h == s.height + 2 * s.pad - s.kernel + 1);
    CL_ASSERT(s.out_w == s.width + 2 * s.pad - s.kernel + 1);
    const Image in = padded_input(x, s);
    const int blocks = (s.cout + k_max_block - 1) / k_max_block;
    const int64_t macs = int64_t(s.cout) * s.out_h * s.out_w * s.cin * s.kernel * s.kernel;
    const int jobs = blocks * s.out_h;
    // Threads share the padded image of the calling thread: it is read-only from here on.
    parallel_for_if(macs >= k_min_parallel_macs, jobs, [&](int job) {
        const int block = job / s.out_h, oy = job % s.out_h;
        const int c0 = block * k_max_block;
        const int channels = std::min(k_max_block, s.cout - c0);
        const float* w = weight + int64_t(c0) * s.cin * s.kernel * s.kernel;
        const float* b = bias ? bias + c0 : nullptr;
        const int64_t at = int64_t(c0) * s.out_h * s.out_w;
        float* o = out + at;
        float* r = relu_out ? relu_out + at : nullptr;
        // The widest strip that fits in the row: rows narrower than a strip cannot use it.
        if (s.out_w >= 2 * vec_lanes<Wide>)
            conv_row_block<Wide, 2>(channels, in, w, b, o, r, s, oy);
        else if (s.out_w >= vec_lanes<Wide>)
            conv_row_block<Wide, 1>(channels, in, w, b, o, r, s, oy);
        else
            conv_row_block<Vec8, 1>(channels, in, w, b, o, r, s, oy);
    });
}

}  // namespace cl
