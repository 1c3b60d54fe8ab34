// Pad: constant padding of the spatial axes. The ONNX importer puts one before a Conv whose
// pads are asymmetric (top != bottom or left != right), since Conv2d pads symmetrically.
#include <string>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

class PadOp final : public Op {
public:
    explicit PadOp(const PadParams& params) : p_(params) {}
    OpKind kind() const override { return OpKind::Pad; }
    OpAttributes attributes() const override { return p_; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<PadOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        if (p_.top < 0 || p_.left < 0 || p_.bottom < 0 || p_.right < 0)
            throw Error("padding must not be negative");
        require_input_count(inputs, 1);
        Shape s = inputs[0];
        s.h += p_.top + p_.bottom;
        s.w += p_.left + p_.right;
        return s;
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        const Shape in = x.shape();
        output.fill(p_.value);
        for (int n = 0; n < in.n; ++n)
            for (int c = 0; c < in.c; ++c)
                for (int h = 0; h < in.h; ++h)
                    for (int w = 0; w < in.w; ++w)
                        output.at(n, c, h + p_.top, w + p_.left) = x.at(n, c, h, w);
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Shape in = dx->shape();
        for (int n = 0; n < in.n; ++n)
            for (int c = 0; c < in.c; ++c)
                for (int h = 0; h < in.h; ++h)
                    for (int w = 0; w < in.w; ++w)
                        dx->at(n, c, h, w) += args.grad_output->at(n, c, h + p_.top, w + p_.left);
    }

private:
    PadParams p_;
};

}  // namespace

std::unique_ptr<Op> make_pad(const PadParams& params) {
    return std::make_unique<PadOp>(params);
}

}  // namespace cl
