// Dropout: identity at inference; in training, inverted dropout (kept units scaled by
// 1/(1-p)) with a counter-based mask that backward reuses.
#include "engine/ops/dropout.h"

#include "engine/error.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

uint64_t mix64(uint64_t z) {  // SplitMix64's finaliser: a good hash of a counter
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

class DropoutOp final : public Op {
public:
    explicit DropoutOp(float p) : p_(p) {}
    OpKind kind() const override { return OpKind::Dropout; }
    OpAttributes attributes() const override {
        DropoutParams p;
        p.p = p_;
        return p;
    }
    std::unique_ptr<Op> clone() const override {
        auto copy = std::make_unique<DropoutOp>(*this);
        deep_copy_tensors({&copy->mask_});
        return copy;
    }
    void set_training(bool training) override { training_ = training; }
    void set_seed(uint64_t seed) {
        seed_ = seed;
        masks_drawn_ = 0;
    }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        if (!(p_ >= 0.0f && p_ < 1.0f))
            throw Error("drop probability must be in [0, 1), got " + std::to_string(p_));
        return inputs[0];
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        if (!training_) {
            std::copy(x.data(), x.data() + x.numel(), output.data());
            return;
        }
        const uint64_t key = mix64(seed_ ^ mix64(masks_drawn_++));
        const float keep_scale = 1.0f / (1.0f - p_);
        const uint64_t threshold = uint64_t(double(p_) * 16777216.0);  // p in 24-bit units
        mask_ = Tensor::zeros(x.shape());
        for (int64_t i = 0; i < x.numel(); ++i) {
            const bool drop = (mix64(key + uint64_t(i)) >> 40) < threshold;
            mask_[i] = drop ? 0.0f : keep_scale;
            output[i] = x[i] * mask_[i];
        }
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& dy = *args.grad_output;
        if (training_) CL_ASSERT(!mask_.empty() && mask_.shape() == dy.shape());
        for (int64_t i = 0; i < dy.numel(); ++i)
            dx->data()[i] += training_ ? dy[i] * mask_[i] : dy[i];
    }

private:
    float p_;
    bool training_ = false;
    uint64_t seed_ = 0;
    // The forward of a training step draws a new mask and keeps it for backward.
    mutable uint64_t masks_drawn_ = 0;
    mutable Tensor mask_;
};

}  // namespace

std::unique_ptr<Op> make_dropout(float p) {
    return std::make_unique<DropoutOp>(p);
}
std::unique_ptr<Op> make_dropout(const DropoutParams& params) {
    return std::make_unique<DropoutOp>(params.p);
}

void dropout_set_seed(Op& op, uint64_t seed) {
    auto* dropout = dynamic_cast<DropoutOp*>(&op);
    if (!dropout)
        throw Error(std::string("dropout_set_seed: not a Dropout but ") + op_kind_name(op.kind()));
    dropout->set_seed(seed);
}

}  // namespace cl
