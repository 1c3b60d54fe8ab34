// MaxPool2d, AvgPool2d and GlobalAvgPool with PyTorch's padding, ceil_mode and
// count_include_pad rules; max routes its gradient to the first maximum of each window.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

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

// out[i] = max of the 2x2 window at columns 2i, 2i+1 of rows a and b; NaN if any of the four
// is NaN (as PyTorch), by the same rule as the general loop.
void max_of_pairs_of_rows(const float* a, const float* b, int count, float* out) {
    for (int i = 0; i < count; ++i) {
        const float v0 = a[2 * i], v1 = a[2 * i + 1], v2 = b[2 * i], v3 = b[2 * i + 1];
        const float top = v0 > v1 ? v0 : v1, bottom = v2 > v3 ? v2 : v3;
        const float best = top > bottom ? top : bottom;
        const bool nan = (v0 != v0) | (v1 != v1) | (v2 != v2) | (v3 != v3);
        out[i] = nan ? std::numeric_limits<float>::quiet_NaN() : best;
    }
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

    LayerGeometry geometry() const override {
        LayerGeometry g;
        g.kernel = p_.kernel;
        g.stride = p_.stride;
        g.pad = p_.pad;
        return g;
    }

protected:
    PoolParams p_;
};

class MaxPoolOp final : public PoolOp {
public:
    using PoolOp::PoolOp;
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
        // 2x2 stride-2 windows that lie wholly inside the input (all of them unless padded or
        // ceil_mode adds an edge) take a branch-free loop the compiler vectorises: LeNet's and
        // TinyVGG's pools were 3 ns per output cell through the general loop.
        const bool halving = p_.kernel == 2 && p_.stride == 2 && p_.pad == 0;
        const int full_h = halving ? std::min(out.h, in.h / 2) : 0;
        const int full_w = halving ? std::min(out.w, in.w / 2) : 0;
#pragma omp parallel for if (output.numel() > (1 << 16))
        for (int pl = 0; pl < planes; ++pl) {
            const float* src = x.data() + int64_t(pl) * in.h * in.w;
            float* dst = output.data() + int64_t(pl) * out.h * out.w;
            for (int oh = 0; oh < full_h; ++oh)
                max_of_pairs_of_rows(src + 2 * oh * in.w, src + (2 * oh + 1) * in.w, full_w,
                                     dst + oh * out.w);
            for (int oh = 0; oh < out.h; ++oh) {
                const PoolWindow& r = rows[size_t(oh)];
                for (int ow = oh < full_h ? full_w : 0; ow < out.w; ++ow) {
                    const PoolWindow& c = cols[size_t(ow)];
                    if (r.h1 <= r.h0 || c.w1 <= c.w0) {  // cannot happen with PyTorch's rules
                        dst[oh * out.w + ow] = src[argmax(src, oh, ow, in.h, in.w)];
                        continue;
                    }
                    // The maximum, or NaN when the window holds one (PyTorch propagates NaN).
                    float best = -std::numeric_limits<float>::infinity();
                    bool nan = false;
                    for (int h = r.h0; h < r.h1; ++h)
                        for (int w = c.w0; w < c.w1; ++w) {
                            const float v = src[h * in.w + w];
                            best = v > best ? v : best;
                            nan |= v != v;
                        }
                    dst[oh * out.w + ow] = nan ? std::numeric_limits<float>::quiet_NaN() : best;
                }
            }
        }
    }

    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& x = *args.inputs[0];
        const Tensor& dy = *args.grad_output;
        const Shape in = x.shape(), out = dy.shape();
        const int planes = in.n * in.c;
#pragma omp parallel for if (dy.numel() > (1 << 14))
        for (int pl = 0; pl < planes; ++pl) {
            const float* src = x.data() + int64_t(pl) * in.h * in.w;
            const float* g = dy.data() + int64_t(pl) * out.h * out.w;
            float* dst = dx->data() + int64_t(pl) * in.h * in.w;
            for (int oh = 0; oh < out.h; ++oh)
                for (int ow = 0; ow < out.w; ++ow)
                    dst[argmax(src, oh, ow, in.h, in.w)] += g[oh * out.w + ow];
        }
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
#pragma omp parallel for if (output.numel() > (1 << 14))
        for (int pl = 0; pl < planes; ++pl) {
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
        }
    }

    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& dy = *args.grad_output;
        const Shape in = dx->shape(), out = dy.shape();
        const int planes = in.n * in.c;
#pragma omp parallel for if (dy.numel() > (1 << 14))
        for (int pl = 0; pl < planes; ++pl) {
            const float* g = dy.data() + int64_t(pl) * out.h * out.w;
            float* dst = dx->data() + int64_t(pl) * in.h * in.w;
            for (int oh = 0; oh < out.h; ++oh)
                for (int ow = 0; ow < out.w; ++ow) {
                    const PoolWindow win = pool_window(p_, oh, ow, in.h, in.w);
                    const float share = g[oh * out.w + ow] / float(win.divisor);
                    for (int h = win.h0; h < win.h1; ++h)
                        for (int w = win.w0; w < win.w1; ++w) dst[h * in.w + w] += share;
                }
        }
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
