// Conv2d: direct loops for few-channel stride-1 layers (direct_conv.cpp), Winograd F(2x2,3x3)
// or F(4x4,3x3) for 3x3 stride-1 layers with enough channels (winograd.cpp, weights transformed
// once per model and cached), otherwise im2col + GEMM per sample, group and band of output rows
// (1x1 stride-1 convolutions skip im2col). Bias and a following ReLU are fused into every path;
// backward by the transposed GEMMs and col2im.
#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/error.h"
#include "engine/ops/direct_conv.h"
#include "engine/ops/gemm.h"
#include "engine/ops/im2col.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"
#include "engine/ops/scratch.h"
#include "engine/ops/winograd.h"

namespace cl {

namespace {

using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using StridedMatrixMap =
    Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0,
               Eigen::OuterStride<>>;

constexpr int64_t k_column_budget = 1 << 19;  // floats (2 MB) of im2col columns per GEMM

// Hyper-parameter mistakes, reported by infer_shape so that the message names the node.
std::string conv2d_param_problem(int in_channels, const Conv2dParams& p) {
    auto num = [](int v) { return std::to_string(v); };
    if (in_channels < 1) return "needs at least 1 input channel, got " + num(in_channels);
    if (p.out_channels < 1) return "needs at least 1 output channel, got " + num(p.out_channels);
    if (p.kernel < 1) return "kernel must be at least 1, got " + num(p.kernel);
    if (p.dilation < 1) return "dilation must be at least 1, got " + num(p.dilation);
    if (p.groups < 1) return "groups must be at least 1, got " + num(p.groups);
    if (in_channels % p.groups != 0)
        return num(in_channels) + " input channels cannot be split into " + num(p.groups) +
               " groups";
    if (p.out_channels % p.groups != 0)
        return num(p.out_channels) + " output channels cannot be split into " + num(p.groups) +
               " groups";
    return "";
}

void add_bias(const float* bias, const GemmArgs& mm) {
    for (int i = 0; i < mm.m; ++i) {
        float* row = mm.c + int64_t(i) * mm.ldc;
        const float b = bias[i];
        for (int j = 0; j < mm.n; ++j) row[j] += b;
    }
}

// Winograd-transformed weights U per group, made by the first inference forward. Any caller of
// params() may write the weights, so params() and set_training() drop the cache, training never
// uses it, and a copy (Op::clone) starts empty rather than sharing a stale one.
class WinogradCache {
public:
    WinogradCache() = default;
    WinogradCache(const WinogradCache& /*other*/) {}
    WinogradCache& operator=(const WinogradCache& /*other*/) {
        clear();
        return *this;
    }

    void clear() {
        std::lock_guard<std::mutex> lock(mutex_);
        groups_.reset();
    }

    using Groups = std::vector<std::vector<float>>;

    // U of every group for this tile size, transformed from `weight` [Cout, Cin/g, 3, 3] when
    // not cached. Shared so that a clear() meanwhile cannot pull the buffers from under a
    // running forward.
    std::shared_ptr<const Groups> get(const float* weight, int groups, int cout_g, int cin_g,
                                      int tile) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!groups_ || tile_ != tile) {
            groups_ = transform(weight, groups, cout_g, cin_g, tile);
            tile_ = tile;
        }
        return groups_;
    }

    static std::shared_ptr<const Groups> transform(const float* weight, int groups, int cout_g,
                                                   int cin_g, int tile) {
        auto u = std::make_shared<Groups>();
        for (int g = 0; g < groups; ++g)  // [positions][Cout/g][Cin/g] each
            u->push_back(
                winograd_weights(weight + int64_t(g) * cout_g * cin_g * 9, cout_g, cin_g, tile));
        return u;
    }

private:
    std::mutex mutex_;
    std::shared_ptr<const Groups> groups_;
    int tile_ = 0;
};

class Conv2dOp final : public ReluFusingOp {
public:
    Conv2dOp(int in_channels, const Conv2dParams& params)
        : in_channels_(in_channels),
          p_(params),
          problem_(conv2d_param_problem(in_channels, params)) {
        p_.in_channels = in_channels;
        if (!problem_.empty()) return;
        // [Cout, Cin/groups, K, K]; bias [Cout]
        const Shape w_shape{p_.out_channels, in_channels_ / p_.groups, p_.kernel, p_.kernel};
        // Gradients are allocated by the first backward (allocate_grads): inference never
        // needs them, and VGG16's would add another 528 MB.
        weight_ = Tensor::zeros(w_shape);
        if (p_.bias) bias_ = Tensor::zeros({p_.out_channels, 1, 1, 1});
    }

    OpKind kind() const override { return OpKind::Conv2d; }
    std::unique_ptr<Op> clone() const override {
        auto copy = std::make_unique<Conv2dOp>(*this);
        deep_copy_tensors({&copy->weight_, &copy->weight_grad_, &copy->bias_, &copy->bias_grad_});
        return copy;
    }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        if (!problem_.empty()) throw Error(problem_);
        require_input_count(inputs, 1);
        const Shape& in = inputs[0];
        if (in.c != in_channels_)
            throw Error("expects " + std::to_string(in_channels_) + " input channels, got " +
                        std::to_string(in.c));
        const int oh = conv_output_size(in.h, p_.kernel, p_.stride, p_.pad, p_.dilation);
        const int ow = conv_output_size(in.w, p_.kernel, p_.stride, p_.pad, p_.dilation);
        return {in.n, p_.out_channels, oh, ow};
    }

    // With `relu`, ReLU(output) is written band by band (or strip, or tile row) as well.
    void forward_fused(const std::vector<const Tensor*>& inputs, Tensor& output,
                       Tensor* relu) const override {
        const Tensor& x = *inputs[0];
        const ConvWindow win = window(x.shape(), output.shape());
        const int cout_g = p_.out_channels / p_.groups;
        const int kdim = win.channels * p_.kernel * p_.kernel;
        const int spatial = win.out_h * win.out_w;
        const int64_t plane = int64_t(win.height) * win.width;
        if (direct_kernel(win)) {
            forward_direct(x, win, output, relu);
            return;
        }
        if (const int tile = winograd_tile(win)) {
            forward_winograd(x, win, tile, output, relu);
            return;
        }
        // Output rows per GEMM: the column buffer of one band stays about cache-sized.
        const int band =
            std::clamp(int(k_column_budget / (int64_t(kdim) * win.out_w)), 1, win.out_h);
        // Uninitialised: im2col writes every cell. Kept per thread (ops/scratch.h).
        float* columns =
            direct() ? nullptr
                     : thread_scratch(ScratchSlot::Im2colColumns, size_t(kdim) * band * win.out_w);
        for (int n = 0; n < x.shape().n; ++n) {
            for (int g = 0; g < p_.groups; ++g) {
                const float* src =
                    x.data() + (int64_t(n) * in_channels_ + g * win.channels) * plane;
                float* dst = output.data() + (int64_t(n) * p_.out_channels + g * cout_g) * spatial;
                for (int oh = 0; oh < win.out_h; oh += band) {
                    const int rows = std::min(band, win.out_h - oh);
                    if (!direct()) im2col_rows(src, win, oh, oh + rows, columns);
                    // [Cout/g, Cin/g*K*K] x [Cin/g*K*K, rows*OW] -> columns of [Cout/g, OH*OW]
                    GemmArgs mm;
                    mm.m = cout_g;
                    mm.n = rows * win.out_w;
                    mm.k = kdim;
                    mm.a = weight_.data() + int64_t(g) * cout_g * kdim;
                    mm.lda = kdim;
                    // A 1x1 stride-1 input is its own column matrix, rows of H*W = OH*OW.
                    mm.b = direct() ? src + int64_t(oh) * win.out_w : columns;
                    mm.ldb = direct() ? spatial : mm.n;
                    mm.c = dst + int64_t(oh) * win.out_w;
                    mm.ldc = spatial;
                    gemm(mm);
                    if (p_.bias) add_bias(bias_.data() + g * cout_g, mm);
                    if (relu) {
                        float* relu_c = relu->data() + (mm.c - output.data());
                        for (int i = 0; i < mm.m; ++i)
                            relu_into(mm.c + int64_t(i) * mm.ldc, relu_c + int64_t(i) * mm.ldc,
                                      mm.n);
                    }
                }
            }
        }
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        const bool dw_wanted = args.param_grads;
        if (dw_wanted) allocate_grads({{&weight_, &weight_grad_}, {&bias_, &bias_grad_}});
        const Tensor& x = *args.inputs[0];
        const Tensor& dy = *args.grad_output;
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        const ConvWindow win = window(x.shape(), dy.shape());
        const int cout_g = p_.out_channels / p_.groups;
        const int kdim = win.channels * p_.kernel * p_.kernel;
        const int spatial = win.out_h * win.out_w;
        const int64_t plane = int64_t(win.height) * win.width;
        std::vector<float> columns(direct() || !dw_wanted ? 0 : size_t(kdim) * spatial);
        std::vector<float> grad_columns(direct() || !dx ? 0 : size_t(kdim) * spatial);
        for (int n = 0; n < x.shape().n; ++n) {
            for (int g = 0; g < p_.groups; ++g) {
                const int64_t in_offset = (int64_t(n) * in_channels_ + g * win.channels) * plane;
                const float* dout =
                    dy.data() + (int64_t(n) * p_.out_channels + g * cout_g) * spatial;
                if (dw_wanted) {
                    const float* src = x.data() + in_offset;
                    if (!direct()) im2col(src, win, columns.data());
                    const float* cols = direct() ? src : columns.data();  // [Cin/g*K*K, OH*OW]
                    // The products go through gemm() so that large ones use the engine's pool.
                    GemmArgs dw;  // [Cout/g, OH*OW] x [OH*OW, Cin/g*K*K] += into the weight grad
                    dw.m = cout_g, dw.n = kdim, dw.k = spatial;
                    dw.a = dout, dw.lda = spatial;
                    dw.b = cols, dw.ldb = spatial, dw.transpose_b = true;
                    dw.c = weight_grad_.data() + int64_t(g) * cout_g * kdim, dw.ldc = kdim;
                    dw.accumulate = true;
                    gemm(dw);
                    if (p_.bias)
                        VectorMap(bias_grad_.data() + g * cout_g, cout_g) +=
                            ConstMatrixMap(dout, cout_g, spatial).rowwise().sum();
                }
                if (!dx) continue;
                GemmArgs dcols;  // [Cin/g*K*K, Cout/g] x [Cout/g, OH*OW]
                dcols.m = kdim, dcols.n = spatial, dcols.k = cout_g;
                dcols.a = weight_.data() + int64_t(g) * cout_g * kdim, dcols.lda = kdim;
                dcols.transpose_a = true;
                dcols.b = dout, dcols.ldb = spatial;
                if (direct()) {
                    dcols.c = dx->data() + in_offset, dcols.ldc = spatial;
                    dcols.accumulate = true;
                    gemm(dcols);
                } else {
                    // into columns, then folded back onto the input
                    dcols.c = grad_columns.data(), dcols.ldc = spatial;
                    gemm(dcols);
                    col2im(grad_columns.data(), win, dx->data() + in_offset);
                }
            }
        }
    }

    void set_training(bool training) override {
        training_ = training;
        winograd_cache_.clear();
    }

    std::vector<NamedParam> params() override {
        winograd_cache_.clear();  // the caller may write through the pointers
        return param_list();
    }

    std::vector<NamedParam> read_params() const override {
        return const_cast<Conv2dOp*>(this)->param_list();  // the cache stays valid
    }

    OpAttributes attributes() const override { return p_; }

    int64_t macs(const std::vector<Shape>& /*inputs*/, const Shape& output) const override {
        return output.numel() * (in_channels_ / p_.groups) * p_.kernel * p_.kernel;
    }

private:
    std::vector<NamedParam> param_list() {
        std::vector<NamedParam> list;
        list.push_back({"weight", &weight_, &weight_grad_, true, 4});
        if (p_.bias) list.push_back({"bias", &bias_, &bias_grad_, true, 1});
        return list;
    }

    // 3x3 stride-1 convolutions with enough channels and pixels: Winograd's tile side (2 or
    // 4), or 0 for im2col + GEMM.
    int winograd_tile(const ConvWindow& win) const {
        if (p_.kernel != 3 || p_.stride != 1 || p_.dilation != 1) return 0;
        return winograd_tile_for(win.channels, p_.out_channels / p_.groups, win.out_h, win.out_w);
    }

    // Stride-1 layers with few channels (LeNet-5, TinyVGG): the register-blocked direct loops.
    bool direct_kernel(const ConvWindow& win) const {
        return p_.stride == 1 && p_.dilation == 1 && p_.kernel > 1 &&
               direct_conv_worth_it(win.channels, p_.out_channels / p_.groups, p_.kernel,
                                    win.out_w);
    }

    // One sample and group of the layer as the plane kernels (direct, Winograd) take it.
    template <typename PlaneShape>
    PlaneShape plane_shape(const ConvWindow& win) const {
        PlaneShape s;
        s.cin = win.channels;
        s.cout = p_.out_channels / p_.groups;
        s.height = win.height;
        s.width = win.width;
        s.pad = p_.pad;
        s.out_h = win.out_h;
        s.out_w = win.out_w;
        return s;
    }

    // f(input, group, output, relu_output or nullptr) for every sample and group.
    template <typename F>
    void for_each_plane(const Tensor& x, const ConvWindow& win, Tensor& output, Tensor* relu,
                        F f) const {
        const int cout_g = p_.out_channels / p_.groups;
        const int64_t in_plane = int64_t(win.height) * win.width;
        const int64_t out_plane = int64_t(win.out_h) * win.out_w;
        for (int n = 0; n < x.shape().n; ++n)
            for (int g = 0; g < p_.groups; ++g) {
                const int64_t at = (int64_t(n) * p_.out_channels + g * cout_g) * out_plane;
                f(x.data() + (int64_t(n) * in_channels_ + g * win.channels) * in_plane, g,
                  output.data() + at, relu ? relu->data() + at : nullptr);
            }
    }

    const float* group_bias(int g) const {
        return p_.bias ? bias_.data() + g * (p_.out_channels / p_.groups) : nullptr;
    }

    void forward_direct(const Tensor& x, const ConvWindow& win, Tensor& output,
                        Tensor* relu) const {
        DirectConvShape s = plane_shape<DirectConvShape>(win);
        s.kernel = p_.kernel;
        const int64_t group_weights = int64_t(s.cout) * s.cin * p_.kernel * p_.kernel;
        for_each_plane(x, win, output, relu, [&](const float* in, int g, float* out, float* r) {
            direct_conv(in, weight_.data() + g * group_weights, group_bias(g), out, r, s);
        });
    }

    void forward_winograd(const Tensor& x, const ConvWindow& win, int tile, Tensor& output,
                          Tensor* relu) const {
        WinogradShape s = plane_shape<WinogradShape>(win);
        s.tile = tile;
        // While training the optimizer rewrites the weights between forwards without calling
        // params(), so they are transformed afresh each time.
        const std::shared_ptr<const WinogradCache::Groups> u =
            training_ ? WinogradCache::transform(weight_.data(), p_.groups, s.cout, s.cin, tile)
                      : winograd_cache_.get(weight_.data(), p_.groups, s.cout, s.cin, tile);
        for_each_plane(x, win, output, relu, [&](const float* in, int g, float* out, float* r) {
            winograd_conv3x3(in, (*u)[size_t(g)].data(), group_bias(g), out, r, s);
        });
    }

    // A 1x1 stride-1 unpadded convolution reads its input as the column matrix directly.
    bool direct() const { return p_.kernel == 1 && p_.stride == 1 && p_.pad == 0; }

    ConvWindow window(const Shape& in, const Shape& out) const {
        ConvWindow w;
        w.channels = in_channels_ / p_.groups;
        w.height = in.h;
        w.width = in.w;
        w.kernel = p_.kernel;
        w.stride = p_.stride;
        w.pad = p_.pad;
        w.dilation = p_.dilation;
        w.out_h = out.h;
        w.out_w = out.w;
        return w;
    }

    int in_channels_;
    Conv2dParams p_;
    std::string problem_;
    Tensor weight_, weight_grad_, bias_, bias_grad_;
    bool training_ = false;
    mutable WinogradCache winograd_cache_;
};

}  // namespace

std::unique_ptr<Op> make_conv2d(int in_channels, const Conv2dParams& params) {
    return std::make_unique<Conv2dOp>(in_channels, params);
}
std::unique_ptr<Op> make_conv2d(const Conv2dParams& params) {
    return std::make_unique<Conv2dOp>(params.in_channels, params);
}

}  // namespace cl
