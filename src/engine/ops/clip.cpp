// Clip: y = min(max(x, lo), hi). MobileNetV2's ReLU6 arrives from ONNX as Clip(0, 6).
#include <algorithm>
#include <string>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

class ClipOp final : public Op {
public:
    ClipOp(float lo, float hi) : lo_(lo), hi_(hi) {}
    OpKind kind() const override { return OpKind::Clip; }
    OpAttributes attributes() const override {
        ClipParams p;
        p.min_value = lo_;
        p.max_value = hi_;
        return p;
    }
    std::unique_ptr<Op> clone() const override { return std::make_unique<ClipOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        if (lo_ > hi_)
            throw Error("minimum " + std::to_string(lo_) + " is above maximum " +
                        std::to_string(hi_));
        require_input_count(inputs, 1);
        return inputs[0];
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const float* x = inputs[0]->data();
        float* y = output.data();
        for (int64_t i = 0; i < output.numel(); ++i) y[i] = std::min(std::max(x[i], lo_), hi_);
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& x = *args.inputs[0];
        for (int64_t i = 0; i < x.numel(); ++i)
            if (x[i] > lo_ && x[i] < hi_) dx->data()[i] += (*args.grad_output)[i];
    }

private:
    float lo_, hi_;
};

}  // namespace

std::unique_ptr<Op> make_clip(float min_value, float max_value) {
    return std::make_unique<ClipOp>(min_value, max_value);
}
std::unique_ptr<Op> make_clip(const ClipParams& params) {
    return std::make_unique<ClipOp>(params.min_value, params.max_value);
}

}  // namespace cl
