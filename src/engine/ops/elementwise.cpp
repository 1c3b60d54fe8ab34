// Element-wise Add/Sub/Mul/Div as ONNX files use them: two tensors of the same shape, or a
// tensor and a constant (a scalar, or one value per channel broadcast over H and W).
#include <string>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

float apply(OpKind kind, float a, float b) {
    switch (kind) {
        case OpKind::Add:
            return a + b;
        case OpKind::Sub:
            return a - b;
        case OpKind::Mul:
            return a * b;
        case OpKind::Div:
            return a / b;
        default:
            CL_ASSERT(false);
            return 0.0f;
    }
}

bool is_arithmetic(OpKind kind) {
    return kind == OpKind::Add || kind == OpKind::Sub || kind == OpKind::Mul || kind == OpKind::Div;
}

class ElementwiseOp final : public Op {
public:
    explicit ElementwiseOp(OpKind kind) : kind_(kind) { CL_ASSERT(is_arithmetic(kind)); }
    OpKind kind() const override { return kind_; }
    OpAttributes attributes() const override { return ElementwiseParams(); }
    std::unique_ptr<Op> clone() const override { return std::make_unique<ElementwiseOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 2);
        if (inputs[0] != inputs[1])
            throw Error("inputs must have the same shape, got " + inputs[0].str() + " and " +
                        inputs[1].str());
        return inputs[0];
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const float* a = inputs[0]->data();
        const float* b = inputs[1]->data();
        float* y = output.data();
        for (int64_t i = 0; i < output.numel(); ++i) y[i] = apply(kind_, a[i], b[i]);
    }

    // y = a - b: (dy, -dy); y = a * b: (dy * b, dy * a); y = a / b: (dy / b, -dy * a / b^2).
    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        CL_ASSERT(args.inputs.size() == 2);
        const float* a = args.inputs[0]->data();
        const float* b = args.inputs[1]->data();
        const float* dy = args.grad_output->data();
        auto grad = [&](size_t k) {  // nullptr: that input's gradient is not wanted
            return k < args.grad_inputs.size() && args.grad_inputs[k] ? args.grad_inputs[k]->data()
                                                                      : nullptr;
        };
        float* da = grad(0);
        float* db = grad(1);
        const int64_t count = args.grad_output->numel();
        for (int64_t i = 0; i < count; ++i) {
            float ga = 0.0f, gb = 0.0f;
            switch (kind_) {
                case OpKind::Sub:
                    ga = dy[i];
                    gb = -dy[i];
                    break;
                case OpKind::Mul:
                    ga = dy[i] * b[i];
                    gb = dy[i] * a[i];
                    break;
                case OpKind::Div:
                    ga = dy[i] / b[i];
                    gb = -ga * a[i] / b[i];
                    break;
                default:
                    CL_ASSERT(false);  // Add is make_add's AddOp
            }
            if (da) da[i] += ga;
            if (db) db[i] += gb;
        }
    }

private:
    OpKind kind_;
};

class ElementwiseConstantOp final : public Op {
public:
    ElementwiseConstantOp(OpKind kind, const Tensor& constant, bool constant_first)
        : kind_(kind), constant_(constant.clone()), constant_first_(constant_first) {
        CL_ASSERT(is_arithmetic(kind));
    }
    OpKind kind() const override { return kind_; }
    OpAttributes attributes() const override {
        ElementwiseParams p;
        p.with_constant = true;
        p.constant_first = constant_first_;
        return p;
    }
    std::unique_ptr<Op> clone() const override {
        auto copy = std::make_unique<ElementwiseConstantOp>(*this);
        deep_copy_tensors({&copy->constant_});
        return copy;
    }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        const int64_t k = constant_.numel();
        if (k != 1 && k != inputs[0].c)
            throw Error("the constant has " + std::to_string(k) +
                        " values, expected 1 or one per channel (" + std::to_string(inputs[0].c) +
                        ")");
        return inputs[0];
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Shape s = inputs[0]->shape();
        const int64_t area = int64_t(s.h) * s.w;
        const bool per_channel = constant_.numel() != 1;
        const float* x = inputs[0]->data();
        float* y = output.data();
        for (int n = 0; n < s.n; ++n)
            for (int c = 0; c < s.c; ++c) {
                const float k = constant_[per_channel ? c : 0];
                const int64_t offset = (int64_t(n) * s.c + c) * area;
                for (int64_t i = offset; i < offset + area; ++i)
                    y[i] = constant_first_ ? apply(kind_, k, x[i]) : apply(kind_, x[i], k);
            }
    }

    // dx = dy * dy/dx; the constant is not trained, so it gets no gradient.
    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Shape s = args.inputs[0]->shape();
        const int64_t area = int64_t(s.h) * s.w;
        const bool per_channel = constant_.numel() != 1;
        const float* x = args.inputs[0]->data();
        const float* dy = args.grad_output->data();
        float* g = dx->data();
        for (int n = 0; n < s.n; ++n)
            for (int c = 0; c < s.c; ++c) {
                const float k = constant_[per_channel ? c : 0];
                const int64_t offset = (int64_t(n) * s.c + c) * area;
                for (int64_t i = offset; i < offset + area; ++i) g[i] += dy[i] * slope(k, x[i]);
            }
    }

    // A buffer, not a trainable parameter: it is kept so that the model can be saved again.
    std::vector<NamedParam> params() override {
        return {{"constant", &constant_, nullptr, false, constant_.numel() == 1 ? 0 : 1}};
    }

private:
    // d(x op k)/dx, or d(k op x)/dx when constant_first_.
    float slope(float k, float x) const {
        switch (kind_) {
            case OpKind::Add:
                return 1.0f;
            case OpKind::Sub:
                return constant_first_ ? -1.0f : 1.0f;
            case OpKind::Mul:
                return k;
            case OpKind::Div:
                return constant_first_ ? -k / (x * x) : 1.0f / k;
            default:
                CL_ASSERT(false);
                return 0.0f;
        }
    }

    OpKind kind_;
    Tensor constant_;  // [1,1,1,1] (scalar) or [1,C,1,1] (per channel)
    bool constant_first_;
};

}  // namespace

std::unique_ptr<Op> make_elementwise(OpKind kind) {
    if (kind == OpKind::Add) return make_add();
    return std::make_unique<ElementwiseOp>(kind);
}

std::unique_ptr<Op> make_elementwise_constant(OpKind kind, const Tensor& constant,
                                              bool constant_first) {
    return std::make_unique<ElementwiseConstantOp>(kind, constant, constant_first);
}

}  // namespace cl
