// MaxPool2d, AvgPool2d and GlobalAvgPool with PyTorch's padding, ceil_mode and
// count_include_pad rules; max routes its gradient to the first maximum of each window.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"
#include "engine/ops/scratch.h"
#include "engine/parallel.h"

namespace cl {

namespace {

// One pooling window clipped to the input, and its divisor for average pooling.
struct PoolWindow {
    int h0, h1, w0, w1;  // [h0, h1) x [w0, w1) inside the input
    int divisor;
};

PoolWindow pool_window(const PoolParams& p, int oh, int ow, int height, int width) {
    PoolWindow win;
    win.h0 = oh * p.stride - p.pad;
    win.w0 = ow * p.stride - p.pad;
    // PyTorch counts padding cells but not the overhang that ceil_mode adds past the padding.
    win.h1 = std::min(win.h0 + p.kernel, height + p.pad);
    win.w1 = std::min(win.w0 + p.kernel, width + p.pad);
    const int padded_area = (win.h1 - win.h0) * (win.w1 - win.w0);
    win.h0 = std::max(win.h0, 0);
    win.w0 = std::max(win.w0, 0);
    win.h1 = std::min(win.h1, height);
    win.w1 = std::min(win.w1, width);
    win.divisor = p.count_include_pad ? padded_area : (win.h1 - win.h0) * (win.w1 - win.w0);
    return win;
}

// The larger of two values, NaN once either is NaN (PyTorch propagates NaN through max-pool):
// a NaN best stays, since no comparison with it is true. Bitwise |, not ||: a branch here is
// mispredicted half the time on real maps (ResNet-18's pool took 1.7 ms that way).
inline float max_keeping_nan(float best, float v) {
    const bool take = (v > best) | (v != v);
    return take ? v : best;
}

// The range [first, last) of the windows i < count whose extent(i) is the whole kernel (not
// clipped by the padding or ceil_mode): one run in the middle.
template <typename Extent>
std::pair<int, int> full_windows(int count, int kernel, Extent extent) {
    int first = 0, last = 0;
    for (int i = 0; i < count; ++i) {
        if (extent(i) != kernel) continue;
        if (last == first) first = i;
        last = i + 1;
    }
    return {first, last};
}

// column_max[x] = max of rows[0..kernel) at column x (rows are `width` apart).
void max_down_columns(const float* rows, int width, int kernel, float* column_max) {
    std::copy(rows, rows + width, column_max);
    for (int k = 1; k < kernel; ++k) {
        const float* __restrict row = rows + int64_t(k) * width;
        for (int x = 0; x < width; ++x) column_max[x] = max_keeping_nan(column_max[x], row[x]);
    }
}

// The 2x2 stride-2 case in one pass: out[i] = max of the window at columns 2i, 2i+1 of rows
// a and b (LeNet's and TinyVGG's pools; twice as fast as the two passes).
void max_of_pairs_of_rows(const float* a, const float* b, int count, float* out) {
    for (int i = 0; i < count; ++i) {
        const float v0 = a[2 * i], v1 = a[2 * i + 1], v2 = b[2 * i], v3 = b[2 * i + 1];
        const float top = v0 > v1 ? v0 : v1, bottom = v2 > v3 ? v2 : v3;
        const float best = top > bottom ? top : bottom;
        const bool nan = (v0 != v0) | (v1 != v1) | (v2 != v2) | (v3 != v3);
        out[i] = nan ? std::numeric_limits<float>::quiet_NaN() : best;
    }
}

// out[i] = max of column_max[i*stride .. i*stride + kernel) for i < count.
void max_across_windows(const float* column_max, int stride, int kernel, int count, float* out) {
    for (int i = 0; i < count; ++i) out[i] = column_max[int64_t(i) * stride];
    for (int k = 1; k < kernel; ++k)
        for (int i = 0; i < count; ++i)
            out[i] = max_keeping_nan(out[i], column_max[int64_t(i) * stride + k]);
}

class PoolOp : public Op {
public:
    explicit PoolOp(const PoolParams& params) : p_(params) {}

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        if (p_.kernel < 1)
            throw Error("kernel must be at least 1, got " + std::to_string(p_.kernel));
        if (p_.pad * 2 > p_.kernel)
            throw Error("padding " + std::to_string(p_.pad) + " is more than half the kernel " +
                        std::to_string(p_.kernel));
        const Shape& in = inputs[0];
        const int oh = conv_output_size(in.h, p_.kernel, p_.stride, p_.pad, 1, p_.ceil_mode);
        const int ow = conv_output_size(in.w, p_.kernel, p_.stride, p_.pad, 1, p_.ceil_mode);
        return {in.n, in.c, oh, ow};
    }

    OpAttributes attributes() const override { return p_; }

protected:
    PoolParams p_;
};

class MaxPoolOp final : public PoolOp {
public:
    // count_include_pad means nothing to a maximum: kept at its default, so that two max-pools
    // that compute the same compare equal.
    explicit MaxPoolOp(const PoolParams& params) : PoolOp(params) {
        p_.count_include_pad = PoolParams().count_include_pad;
    }
    OpKind kind() const override { return OpKind::MaxPool2d; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<MaxPoolOp>(*this); }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        const Shape in = x.shape(), out = output.shape();
        const int planes = in.n * in.c;
        // The windows' clipped extents, once per layer instead of once per output cell.
        std::vector<PoolWindow> rows(size_t(out.h)), cols(size_t(out.w));
        for (int oh = 0; oh < out.h; ++oh) rows[size_t(oh)] = pool_window(p_, oh, 0, in.h, in.w);
        for (int ow = 0; ow < out.w; ++ow) cols[size_t(ow)] = pool_window(p_, 0, ow, in.h, in.w);
        // Windows wholly inside the input (all but the padded or ceil_mode edges) take a
        // two-pass loop the compiler vectorises: the maximum down each column of the window's
        // rows, then across each window's columns. Through the general loop LeNet's and
        // TinyVGG's pools cost 3 ns per output cell and ResNet-18's 3x3 pool 1.2 ms.
        // Output rows [h0, h1) and columns [w0, w1) have unclipped windows.
        const std::pair<int, int> full_rows = full_windows(
            out.h, p_.kernel, [&](int i) { return rows[size_t(i)].h1 - rows[size_t(i)].h0; });
        const std::pair<int, int> full_cols = full_windows(
            out.w, p_.kernel, [&](int i) { return cols[size_t(i)].w1 - cols[size_t(i)].w0; });
        const int h0 = full_rows.first, h1 = full_rows.second;
        const int w0 = full_cols.first, w1 = full_cols.second;
        const bool halving = p_.kernel == 2 && p_.stride == 2;
        // A clipped window, by the general loop.
        auto window_max = [&](const float* src, const PoolWindow& r, const PoolWindow& c, int oh,
                              int ow) {
            if (r.h1 <= r.h0 || c.w1 <= c.w0)  // cannot happen with PyTorch's rules
                return src[argmax(src, oh, ow, in.h, in.w)];
            float best = -std::numeric_limits<float>::infinity();
            for (int h = r.h0; h < r.h1; ++h)
                for (int w = c.w0; w < c.w1; ++w) best = max_keeping_nan(best, src[h * in.w + w]);
            return best;
        };
        parallel_for_if(output.numel() > (1 << 16), planes, [&](int pl) {
            float* column_max = thread_scratch(ScratchSlot::PoolColumns, size_t(in.w));
            const float* src = x.data() + int64_t(pl) * in.h * in.w;
            float* dst = output.data() + int64_t(pl) * out.h * out.w;
            for (int oh = 0; oh < out.h; ++oh) {
                const PoolWindow& r = rows[size_t(oh)];
                const bool full_row = oh >= h0 && oh < h1;
                if (full_row && halving && w1 > w0) {
                    const float* top = src + int64_t(r.h0) * in.w + cols[size_t(w0)].w0;
                    max_of_pairs_of_rows(top, top + in.w, w1 - w0, dst + oh * out.w + w0);
                } else if (full_row) {
                    max_down_columns(src + int64_t(r.h0) * in.w, in.w, p_.kernel, column_max);
                    if (w1 > w0)
                        max_across_windows(column_max + cols[size_t(w0)].w0, p_.stride, p_.kernel,
                                           w1 - w0, dst + oh * out.w + w0);
                }
                for (int ow = 0; ow < out.w; ++ow) {
                    if (full_row && ow == w0) ow = w1;  // done above
                    if (ow >= out.w) break;
                    dst[oh * out.w + ow] = window_max(src, r, cols[size_t(ow)], oh, ow);
                }
            }
        });
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& x = *args.inputs[0];
        const Tensor& dy = *args.grad_output;
        const Shape in = x.shape(), out = dy.shape();
        const int planes = in.n * in.c;
        // The forward's maxima are known: the first cell of each window that equals its maximum
        // is the argmax, found with one comparison per cell (against a branchy running maximum
        // per cell, GoogLeNet-mini's 3x3/1 pools took a quarter of a training step).
        const float* maxima =
            args.output && args.output->shape() == out ? args.output->data() : nullptr;
        std::vector<PoolWindow> rows(size_t(out.h)), cols(size_t(out.w));
        for (int oh = 0; oh < out.h; ++oh) rows[size_t(oh)] = pool_window(p_, oh, 0, in.h, in.w);
        for (int ow = 0; ow < out.w; ++ow) cols[size_t(ow)] = pool_window(p_, 0, ow, in.h, in.w);
        parallel_for_if(dy.numel() > (1 << 14), planes, [&](int pl) {
            const float* src = x.data() + int64_t(pl) * in.h * in.w;
            const float* g = dy.data() + int64_t(pl) * out.h * out.w;
            const float* m = maxima ? maxima + int64_t(pl) * out.h * out.w : nullptr;
            float* dst = dx->data() + int64_t(pl) * in.h * in.w;
            for (int oh = 0; oh < out.h; ++oh) {
                const PoolWindow& r = rows[size_t(oh)];
                for (int ow = 0; ow < out.w; ++ow) {
                    const PoolWindow& c = cols[size_t(ow)];
                    const int cell = oh * out.w + ow;
                    int at = -1;
                    if (m && m[cell] == m[cell]) {  // not NaN: scan for the first equal cell
                        for (int h = r.h0; h < r.h1 && at < 0; ++h)
                            for (int w = c.w0; w < c.w1; ++w)
                                if (src[h * in.w + w] == m[cell]) {
                                    at = h * in.w + w;
                                    break;
                                }
                    }
                    if (at < 0) at = argmax(src, oh, ow, in.h, in.w);
                    dst[at] += g[cell];
                }
            }
        });
    }

private:
    // Index in the plane of the window's first maximum (NaN wins, as in PyTorch).
    int argmax(const float* plane, int oh, int ow, int height, int width) const {
        const PoolWindow win = pool_window(p_, oh, ow, height, width);
        int best = win.h0 * width + win.w0;
        float best_value = -std::numeric_limits<float>::infinity();
        for (int h = win.h0; h < win.h1; ++h)
            for (int w = win.w0; w < win.w1; ++w) {
                const float v = plane[h * width + w];
                if (v > best_value || std::isnan(v)) {
                    best_value = v;
                    best = h * width + w;
                    if (std::isnan(v)) return best;
                }
            }
        return best;
    }
};

class AvgPoolOp final : public PoolOp {
public:
    using PoolOp::PoolOp;
    OpKind kind() const override { return OpKind::AvgPool2d; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<AvgPoolOp>(*this); }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        const Shape in = x.shape(), out = output.shape();
        const int planes = in.n * in.c;
        parallel_for_if(output.numel() > (1 << 14), planes, [&](int pl) {
            const float* src = x.data() + int64_t(pl) * in.h * in.w;
            float* dst = output.data() + int64_t(pl) * out.h * out.w;
            for (int oh = 0; oh < out.h; ++oh)
                for (int ow = 0; ow < out.w; ++ow) {
                    const PoolWindow win = pool_window(p_, oh, ow, in.h, in.w);
                    float sum = 0;
                    for (int h = win.h0; h < win.h1; ++h)
                        for (int w = win.w0; w < win.w1; ++w) sum += src[h * in.w + w];
                    dst[oh * out.w + ow] = sum / float(win.divisor);
                }
        });
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& dy = *args.grad_output;
        const Shape in = dx->shape(), out = dy.shape();
        const int planes = in.n * in.c;
        parallel_for_if(dy.numel() > (1 << 14), planes, [&](int pl) {
            const float* g = dy.data() + int64_t(pl) * out.h * out.w;
            float* dst = dx->data() + int64_t(pl) * in.h * in.w;
            for (int oh = 0; oh < out.h; ++oh)
                for (int ow = 0; ow < out.w; ++ow) {
                    const PoolWindow win = pool_window(p_, oh, ow, in.h, in.w);
                    const float share = g[oh * out.w + ow] / float(win.divisor);
                    for (int h = win.h0; h < win.h1; ++h)
                        for (int w = win.w0; w < win.w1; ++w) dst[h * in.w + w] += share;
                }
        });
    }
};

class GlobalAvgPoolOp final : public Op {
public:
    OpKind kind() const override { return OpKind::GlobalAvgPool; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<GlobalAvgPoolOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        return {inputs[0].n, inputs[0].c, 1, 1};
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        const int64_t area = int64_t(x.shape().h) * x.shape().w;
        const int planes = x.shape().n * x.shape().c;
        // [N*C, H*W] -> row means [N*C]
        Eigen::Map<Eigen::VectorXf>(output.data(), planes) =
            x.as_matrix(planes, int(area)).rowwise().sum() / float(area);
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& dy = *args.grad_output;
        const int64_t area = int64_t(dx->shape().h) * dx->shape().w;
        const int planes = dx->shape().n * dx->shape().c;
        for (int pl = 0; pl < planes; ++pl) {
            const float share = dy[pl] / float(area);
            float* dst = dx->data() + pl * area;
            for (int64_t i = 0; i < area; ++i) dst[i] += share;
        }
    }
};

}  // namespace

std::unique_ptr<Op> make_maxpool2d(const PoolParams& params) {
    return std::make_unique<MaxPoolOp>(params);
}
std::unique_ptr<Op> make_avgpool2d(const PoolParams& params) {
    return std::make_unique<AvgPoolOp>(params);
}
std::unique_ptr<Op> make_global_avgpool() {
    return std::make_unique<GlobalAvgPoolOp>();
}

}  // namespace cl
