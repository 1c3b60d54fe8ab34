// Element-wise activations: ReLU, Tanh, Sigmoid (Eigen array expressions, vectorised).
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;

ConstArrayMap array_of(const Tensor& t) {
    return ConstArrayMap(t.data(), t.numel());
}
ArrayMap array_of(Tensor& t) {
    return ArrayMap(t.data(), t.numel());
}

// The shared shape rule and the backward plumbing; subclasses give f and f' in terms of
// the input x and the output y.
class ActivationOp : public Op {
public:
    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        return inputs[0];
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& x = *args.inputs[0];
        Tensor y;
        if (args.output) {
            y = *args.output;
        } else {
            y = Tensor::zeros(x.shape());
            forward({&x}, y);
        }
        const Tensor& out = y;
        add_input_grad(array_of(x), array_of(out), array_of(*args.grad_output), array_of(*dx));
    }

protected:
    virtual void add_input_grad(ConstArrayMap x, ConstArrayMap y, ConstArrayMap dy,
                                ArrayMap dx) const = 0;
};

class ReluOp final : public ActivationOp {
public:
    OpKind kind() const override { return OpKind::Relu; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<ReluOp>(*this); }
    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        array_of(output) = array_of(*inputs[0]).max(0.0f);
    }

private:
    void add_input_grad(ConstArrayMap x, ConstArrayMap, ConstArrayMap dy,
                        ArrayMap dx) const override {
        dx += (x > 0.0f).select(dy, 0.0f);
    }
};

class TanhOp final : public ActivationOp {
public:
    OpKind kind() const override { return OpKind::Tanh; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<TanhOp>(*this); }
    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        array_of(output) = array_of(*inputs[0]).tanh();
    }

private:
    void add_input_grad(ConstArrayMap, ConstArrayMap y, ConstArrayMap dy,
                        ArrayMap dx) const override {
        dx += dy * (1.0f - y.square());
    }
};

class SigmoidOp final : public ActivationOp {
public:
    OpKind kind() const override { return OpKind::Sigmoid; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<SigmoidOp>(*this); }
    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        array_of(output) = 1.0f / (1.0f + (-array_of(*inputs[0])).exp());
    }

private:
    void add_input_grad(ConstArrayMap, ConstArrayMap y, ConstArrayMap dy,
                        ArrayMap dx) const override {
        dx += dy * y * (1.0f - y);
    }
};

}  // namespace

std::unique_ptr<Op> make_relu() {
    return std::make_unique<ReluOp>();
}
std::unique_ptr<Op> make_tanh() {
    return std::make_unique<TanhOp>();
}
std::unique_ptr<Op> make_sigmoid() {
    return std::make_unique<SigmoidOp>();
}

}  // namespace cl
