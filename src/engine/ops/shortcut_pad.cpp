// ShortcutPad: the parameter-free shortcut of the ResNet paper (option A) where a stage halves
// the map and widens the channels: keep every stride-th position, append zero channels.
#include <string>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

class ShortcutPadOp final : public Op {
public:
    ShortcutPadOp(int out_channels, int stride) : out_channels_(out_channels), stride_(stride) {}
    OpKind kind() const override { return OpKind::ShortcutPad; }
    OpAttributes attributes() const override {
        ShortcutPadParams p;
        p.out_channels = out_channels_;
        p.stride = stride_;
        return p;
    }
    std::unique_ptr<Op> clone() const override { return std::make_unique<ShortcutPadOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        if (stride_ < 1) throw Error("stride must be at least 1, got " + std::to_string(stride_));
        const Shape& in = inputs[0];
        if (out_channels_ < in.c)
            throw Error("cannot pad " + std::to_string(in.c) + " channels down to " +
                        std::to_string(out_channels_));
        // x[:, :, ::s, ::s] keeps ceil(H / s) rows: a 1x1 window with stride s
        return {in.n, out_channels_, conv_output_size(in.h, 1, stride_, 0),
                conv_output_size(in.w, 1, stride_, 0)};
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        const Shape in = x.shape(), out = output.shape();
        output.fill(0.0f);  // channels in.c .. out.c-1 stay zero
        for (int n = 0; n < in.n; ++n)
            for (int c = 0; c < in.c; ++c)
                for (int h = 0; h < out.h; ++h)
                    for (int w = 0; w < out.w; ++w)
                        output.at(n, c, h, w) = x.at(n, c, h * stride_, w * stride_);
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& dy = *args.grad_output;
        const Shape in = dx->shape(), out = dy.shape();
        for (int n = 0; n < in.n; ++n)
            for (int c = 0; c < in.c; ++c)
                for (int h = 0; h < out.h; ++h)
                    for (int w = 0; w < out.w; ++w)
                        dx->at(n, c, h * stride_, w * stride_) += dy.at(n, c, h, w);
    }

private:
    int out_channels_, stride_;
};

}  // namespace

std::unique_ptr<Op> make_shortcut_pad(int out_channels, int stride) {
    return std::make_unique<ShortcutPadOp>(out_channels, stride);
}
std::unique_ptr<Op> make_shortcut_pad(const ShortcutPadParams& params) {
    return std::make_unique<ShortcutPadOp>(params.out_channels, params.stride);
}

}  // namespace cl
