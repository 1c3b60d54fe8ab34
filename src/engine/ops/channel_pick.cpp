// ChannelPick: one channel of the input. torchvision's GoogLeNet (transform_input) exports
// x[:, 0] as an ONNX Gather on the channel axis; this is that node.
#include <algorithm>
#include <string>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

class ChannelPickOp final : public Op {
public:
    explicit ChannelPickOp(int channel) : channel_(channel) {}
    OpKind kind() const override { return OpKind::ChannelPick; }
    OpAttributes attributes() const override {
        ChannelPickParams p;
        p.channel = channel_;
        return p;
    }
    std::unique_ptr<Op> clone() const override { return std::make_unique<ChannelPickOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        if (channel_ < 0 || channel_ >= inputs[0].c)
            throw Error("channel " + std::to_string(channel_) + " does not exist in " +
                        inputs[0].chw());
        return {inputs[0].n, 1, inputs[0].h, inputs[0].w};
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        const int64_t area = int64_t(x.shape().h) * x.shape().w;
        for (int n = 0; n < x.shape().n; ++n) {
            const float* src = x.data() + (int64_t(n) * x.shape().c + channel_) * area;
            std::copy(src, src + area, output.data() + n * area);
        }
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const int64_t area = int64_t(dx->shape().h) * dx->shape().w;
        for (int n = 0; n < dx->shape().n; ++n) {
            float* dst = dx->data() + (int64_t(n) * dx->shape().c + channel_) * area;
            const float* dy = args.grad_output->data() + n * area;
            for (int64_t i = 0; i < area; ++i) dst[i] += dy[i];
        }
    }

private:
    int channel_;
};

}  // namespace

std::unique_ptr<Op> make_channel_pick(int channel) {
    return std::make_unique<ChannelPickOp>(channel);
}
std::unique_ptr<Op> make_channel_pick(const ChannelPickParams& params) {
    return std::make_unique<ChannelPickOp>(params.channel);
}

}  // namespace cl
