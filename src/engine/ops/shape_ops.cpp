// Ops that move or combine values without weights: Flatten, Concat (channels), Add and
// Softmax (over channels, per position).
#include <algorithm>
#include <cmath>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

void add_into(const Tensor& src, Tensor* dst) {
    if (!dst) return;
    CL_ASSERT(dst->numel() == src.numel());
    for (int64_t i = 0; i < src.numel(); ++i) dst->data()[i] += src[i];
}

class FlattenOp final : public Op {
public:
    OpKind kind() const override { return OpKind::Flatten; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<FlattenOp>(*this); }
    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        return {inputs[0].n, int(inputs[0].per_sample()), 1, 1};  // [N, C*H*W, 1, 1]
    }
    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        std::copy(inputs[0]->data(), inputs[0]->data() + output.numel(), output.data());
    }
    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        add_into(*args.grad_output, args.grad_inputs.empty() ? nullptr : args.grad_inputs[0]);
    }
};

class ConcatOp final : public Op {
public:
    OpKind kind() const override { return OpKind::Concat; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<ConcatOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        if (inputs.empty()) throw Error("expects at least 1 input, got 0");
        Shape out = inputs[0];
        out.c = 0;
        for (const Shape& s : inputs) {
            if (s.n != out.n || s.h != out.h || s.w != out.w)
                throw Error("inputs must agree in all but channels, got " + inputs[0].str() +
                            " and " + s.str());
            out.c += s.c;
        }
        return out;
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Shape out = output.shape();
        int c0 = 0;
        for (const Tensor* t : inputs) {
            const int64_t block = t->shape().per_sample();  // [C_i, H, W] of one sample
            for (int n = 0; n < out.n; ++n)
                std::copy(t->data() + n * block, t->data() + (n + 1) * block,
                          output.data() + (int64_t(n) * out.c + c0) * out.h * out.w);
            c0 += t->shape().c;
        }
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        const Shape out = args.grad_output->shape();
        int c0 = 0;
        for (size_t k = 0; k < args.inputs.size(); ++k) {
            const Shape in = args.inputs[k]->shape();
            Tensor* dx = k < args.grad_inputs.size() ? args.grad_inputs[k] : nullptr;
            if (dx) {
                const int64_t block = in.per_sample();
                for (int n = 0; n < out.n; ++n) {
                    const float* g =
                        args.grad_output->data() + (int64_t(n) * out.c + c0) * out.h * out.w;
                    float* dst = dx->data() + n * block;
                    for (int64_t i = 0; i < block; ++i) dst[i] += g[i];
                }
            }
            c0 += in.c;
        }
    }
};

class AddOp final : public ReluFusingOp {
public:
    OpKind kind() const override { return OpKind::Add; }
    OpAttributes attributes() const override { return ElementwiseParams(); }  // no constant
    std::unique_ptr<Op> clone() const override { return std::make_unique<AddOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        if (inputs.size() < 2)
            throw Error("expects at least 2 inputs, got " + std::to_string(inputs.size()));
        for (const Shape& s : inputs)
            if (s != inputs[0])
                throw Error("inputs must have the same shape, got " + inputs[0].str() + " and " +
                            s.str());
        return inputs[0];
    }

    // ResNet's add -> relu: the sum is still in cache (a block's output is at most 800 kB).
    void forward_fused(const std::vector<const Tensor*>& inputs, Tensor& output,
                       Tensor* relu) const override {
        std::copy(inputs[0]->data(), inputs[0]->data() + output.numel(), output.data());
        for (size_t k = 1; k < inputs.size(); ++k) add_into(*inputs[k], &output);
        if (relu) relu_into(output.data(), relu->data(), output.numel());
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        for (Tensor* dx : args.grad_inputs) add_into(*args.grad_output, dx);
    }
};

class SoftmaxOp final : public Op {
public:
    OpKind kind() const override { return OpKind::Softmax; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<SoftmaxOp>(*this); }
    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        return inputs[0];
    }

    // Each (n, h, w) position is a distribution over the C channels, stride H*W apart.
    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        const Shape s = x.shape();
        const int64_t area = int64_t(s.h) * s.w;
        for (int n = 0; n < s.n; ++n)
            for (int64_t a = 0; a < area; ++a) {
                const float* src = x.data() + n * s.c * area + a;
                float* dst = output.data() + n * s.c * area + a;
                float top = src[0];
                for (int c = 1; c < s.c; ++c) top = std::max(top, src[c * area]);
                double sum = 0;  // subtracting the max keeps exp() finite
                for (int c = 0; c < s.c; ++c) {
                    dst[c * area] = std::exp(src[c * area] - top);
                    sum += dst[c * area];
                }
                for (int c = 0; c < s.c; ++c) dst[c * area] = float(dst[c * area] / sum);
            }
    }

    // dx = y * (dy - sum_c dy_c y_c)
    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        Tensor y;
        if (args.output) {
            y = *args.output;
        } else {
            y = Tensor::zeros(args.inputs[0]->shape());
            forward({args.inputs[0]}, y);
        }
        const Tensor& dy = *args.grad_output;
        const Shape s = y.shape();
        const int64_t area = int64_t(s.h) * s.w;
        for (int n = 0; n < s.n; ++n)
            for (int64_t a = 0; a < area; ++a) {
                const int64_t base = n * s.c * area + a;
                double dot = 0;
                for (int c = 0; c < s.c; ++c)
                    dot += double(dy[base + c * area]) * y[base + c * area];
                for (int c = 0; c < s.c; ++c)
                    dx->data()[base + c * area] +=
                        float(y[base + c * area] * (dy[base + c * area] - dot));
            }
    }
};

}  // namespace

std::unique_ptr<Op> make_flatten() {
    return std::make_unique<FlattenOp>();
}
std::unique_ptr<Op> make_concat() {
    return std::make_unique<ConcatOp>();
}
std::unique_ptr<Op> make_add() {
    return std::make_unique<AddOp>();
}
std::unique_ptr<Op> make_softmax() {
    return std::make_unique<SoftmaxOp>();
}

}  // namespace cl
