// Local response normalisation across channels (AlexNet), PyTorch's convention:
// y_c = x_c / (k + alpha/size * sum of x_j^2 for j in [c - size/2, c + (size-1)/2]) ^ beta.
#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"
#include "engine/parallel.h"

namespace cl {

namespace {

// s^-beta. AlexNet's beta 0.75 as s^-1/2 * s^-1/4 from two square roots: std::pow took an
// eighth of alexnet-mini's training step.
inline float pow_neg(float s, float beta) {
    if (beta == 0.75f) {
        const float r = std::sqrt(s);
        return 1.0f / (r * std::sqrt(r));
    }
    return std::pow(s, -beta);
}

class LrnOp final : public Op {
public:
    explicit LrnOp(const LrnParams& params) : p_(params) {}
    OpKind kind() const override { return OpKind::Lrn; }
    OpAttributes attributes() const override { return p_; }
    std::unique_ptr<Op> clone() const override { return std::make_unique<LrnOp>(*this); }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        require_input_count(inputs, 1);
        if (p_.size < 1) throw Error("size must be at least 1, got " + std::to_string(p_.size));
        return inputs[0];
    }

    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const override {
        const Tensor& x = *inputs[0];
        const Shape s = x.shape();
        const int64_t area = int64_t(s.h) * s.w;
        parallel_for_if(x.numel() > (1 << 15), s.n, [&](int n) {
            std::vector<float> scale(size_t(s.c * area));  // [C, H*W]
            compute_scale(x.data() + n * s.c * area, s.c, area, scale.data());
            const float* src = x.data() + n * s.c * area;
            float* dst = output.data() + n * s.c * area;
            for (int64_t i = 0; i < s.c * area; ++i) dst[i] = src[i] * pow_neg(scale[i], p_.beta);
        });
    }

    bool has_backward() const override { return true; }
    // dx_i = dy_i s_i^-b - (2 a b / size) x_i sum over j whose window holds i of dy_j x_j
    // s_j^(-b-1)
    void backward(const BackwardArgs& args) override {
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        if (!dx) return;
        const Tensor& x = *args.inputs[0];
        const Tensor& dy = *args.grad_output;
        const Shape s = x.shape();
        const int64_t area = int64_t(s.h) * s.w;
        const int before = p_.size / 2, after = (p_.size - 1) / 2;
        const float coef = 2.0f * p_.alpha * p_.beta / float(p_.size);
        for (int n = 0; n < s.n; ++n) {
            const int64_t base = n * s.c * area;
            std::vector<float> scale(size_t(s.c * area)), ratio(size_t(s.c * area));
            compute_scale(x.data() + base, s.c, area, scale.data());
            for (int64_t i = 0; i < s.c * area; ++i) {
                const float powered = pow_neg(scale[i], p_.beta);            // s^-b
                ratio[i] = dy[base + i] * x[base + i] * powered / scale[i];  // s^(-b-1)
                scale[i] = powered;
            }
            std::vector<float> sum(static_cast<size_t>(area));
            for (int c = 0; c < s.c; ++c) {
                const int j0 = std::max(0, c - after), j1 = std::min(s.c - 1, c + before);
                std::fill(sum.begin(), sum.end(), 0.0f);
                for (int j = j0; j <= j1; ++j)
                    for (int64_t a = 0; a < area; ++a) sum[a] += ratio[j * area + a];
                for (int64_t a = 0; a < area; ++a) {
                    const int64_t i = c * area + a;
                    dx->data()[base + i] +=
                        dy[base + i] * scale[i] - coef * x[base + i] * sum[a];  // scale: s^-b
                }
            }
        }
    }

private:
    // scale[c, a] = k + alpha/size * sum of x[j, a]^2 over the channel window of c.
    void compute_scale(const float* x, int channels, int64_t area, float* scale) const {
        const int before = p_.size / 2, after = (p_.size - 1) / 2;
        for (int c = 0; c < channels; ++c) {
            const int j0 = std::max(0, c - before), j1 = std::min(channels - 1, c + after);
            float* out = scale + c * area;
            std::fill_n(out, area, 0.0f);
            for (int j = j0; j <= j1; ++j)
                for (int64_t a = 0; a < area; ++a) out[a] += x[j * area + a] * x[j * area + a];
            for (int64_t a = 0; a < area; ++a) out[a] = p_.k + p_.alpha / float(p_.size) * out[a];
        }
    }

    LrnParams p_;
};

}  // namespace

std::unique_ptr<Op> make_lrn(const LrnParams& params) {
    return std::make_unique<LrnOp>(params);
}

}  // namespace cl
