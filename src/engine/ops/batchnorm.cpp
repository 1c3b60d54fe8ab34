// BatchNorm2d: inference normalises with the running statistics; training mode uses the
// batch's own (biased variance) and updates the running ones as PyTorch does (momentum,
// unbiased variance).
#include <cmath>
#include <vector>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/ops/op_common.h"

namespace cl {

namespace {

class BatchNormOp final : public ReluFusingOp {
public:
    BatchNormOp(int channels, float eps, float momentum)
        : channels_(channels), eps_(eps), momentum_(momentum) {
        if (channels_ < 1) return;          // reported by infer_shape
        const Shape s{channels_, 1, 1, 1};  // [C]
        weight_ = Tensor::filled(s, 1.0f);  // gradients on the first backward
        bias_ = Tensor::zeros(s);
        running_mean_ = Tensor::zeros(s);
        running_var_ = Tensor::filled(s, 1.0f);
    }

    OpKind kind() const override { return OpKind::BatchNorm2d; }
    OpAttributes attributes() const override {
        BatchNormParams p;
        p.channels = channels_;
        p.eps = eps_;
        p.momentum = momentum_;
        return p;
    }
    std::unique_ptr<Op> clone() const override {
        auto copy = std::make_unique<BatchNormOp>(*this);
        deep_copy_tensors({&copy->weight_, &copy->weight_grad_, &copy->bias_, &copy->bias_grad_,
                           &copy->running_mean_, &copy->running_var_});
        return copy;
    }
    void set_training(bool training) override { training_ = training; }

    Shape infer_shape(const std::vector<Shape>& inputs) const override {
        if (channels_ < 1)
            throw Error("needs at least 1 channel, got " + std::to_string(channels_));
        require_input_count(inputs, 1);
        if (inputs[0].c != channels_)
            throw Error("expects " + std::to_string(channels_) + " input channels, got " +
                        std::to_string(inputs[0].c));
        return inputs[0];
    }

    // A following ReLU (ResNet's conv -> bn -> relu) from each channel's values while in cache.
    void forward_fused(const std::vector<const Tensor*>& inputs, Tensor& output,
                       Tensor* relu) const override {
        const Tensor& x = *inputs[0];
        const Shape s = x.shape();
        const int64_t area = int64_t(s.h) * s.w;
        const Stats stats = training_ ? batch_stats(x) : running_stats();
        if (training_) {
            const double count = double(s.n) * area;
            if (count < 2)
                throw Error("training needs more than 1 value per channel, got input " + s.str());
            for (int c = 0; c < channels_; ++c) {
                const double unbiased = stats.var[c] * count / (count - 1);
                running_mean_[c] =
                    float((1 - momentum_) * running_mean_[c] + momentum_ * stats.mean[c]);
                running_var_[c] = float((1 - momentum_) * running_var_[c] + momentum_ * unbiased);
            }
        }
        for (int n = 0; n < s.n; ++n)
            for (int c = 0; c < channels_; ++c) {
                // y = gamma * (x - mean) / sqrt(var + eps) + beta = x * scale + shift
                const double inv_std = 1.0 / std::sqrt(stats.var[c] + double(eps_));
                const float scale = float(weight_[c] * inv_std);
                const float shift = float(bias_[c] - stats.mean[c] * weight_[c] * inv_std);
                const int64_t offset = (int64_t(n) * s.c + c) * area;
                for (int64_t i = 0; i < area; ++i)
                    output[offset + i] = x[offset + i] * scale + shift;
                if (relu) relu_into(output.data() + offset, relu->data() + offset, area);
            }
    }

    bool has_backward() const override { return true; }
    void backward(const BackwardArgs& args) override {
        if (args.param_grads) allocate_grads({{&weight_, &weight_grad_}, {&bias_, &bias_grad_}});
        const Tensor& x = *args.inputs[0];
        const Tensor& dy = *args.grad_output;
        Tensor* dx = args.grad_inputs.empty() ? nullptr : args.grad_inputs[0];
        const Shape s = x.shape();
        const int64_t area = int64_t(s.h) * s.w;
        const double count = double(s.n) * area;
        const Stats stats = training_ ? batch_stats(x) : running_stats();
        for (int c = 0; c < channels_; ++c) {
            const double inv_std = 1.0 / std::sqrt(stats.var[c] + double(eps_));
            double sum_dy = 0, sum_dy_xhat = 0;
            for (int n = 0; n < s.n; ++n) {
                const int64_t offset = (int64_t(n) * s.c + c) * area;
                for (int64_t i = 0; i < area; ++i) {
                    sum_dy += dy[offset + i];
                    sum_dy_xhat += dy[offset + i] * (x[offset + i] - stats.mean[c]) * inv_std;
                }
            }
            if (args.param_grads) {
                weight_grad_[c] += float(sum_dy_xhat);
                bias_grad_[c] += float(sum_dy);
            }
            if (!dx) continue;
            const double g = weight_[c] * inv_std;
            // Training: the batch mean and variance depend on x too, which removes the
            // gradient's mean and its projection on x_hat.
            const double mean_dy = training_ ? sum_dy / count : 0.0;
            const double mean_dy_xhat = training_ ? sum_dy_xhat / count : 0.0;
            for (int n = 0; n < s.n; ++n) {
                const int64_t offset = (int64_t(n) * s.c + c) * area;
                for (int64_t i = 0; i < area; ++i) {
                    const double xhat = (x[offset + i] - stats.mean[c]) * inv_std;
                    dx->data()[offset + i] +=
                        float(g * (dy[offset + i] - mean_dy - xhat * mean_dy_xhat));
                }
            }
        }
    }

    std::vector<NamedParam> params() override {
        return {{"weight", &weight_, &weight_grad_, true, 1},
                {"bias", &bias_, &bias_grad_, true, 1},
                {"running_mean", &running_mean_, nullptr, false, 1},
                {"running_var", &running_var_, nullptr, false, 1}};
    }

private:
    struct Stats {
        std::vector<double> mean, var;
    };

    Stats running_stats() const {
        Stats st;
        for (int c = 0; c < channels_; ++c) {
            st.mean.push_back(running_mean_[c]);
            st.var.push_back(running_var_[c]);
        }
        return st;
    }

    // Per-channel mean and biased variance over N, H, W (two passes, in double).
    Stats batch_stats(const Tensor& x) const {
        const Shape s = x.shape();
        const int64_t area = int64_t(s.h) * s.w;
        const double count = double(s.n) * area;
        Stats st{std::vector<double>(size_t(channels_)), std::vector<double>(size_t(channels_))};
        for (int c = 0; c < channels_; ++c) {
            double sum = 0, sq = 0;
            for (int n = 0; n < s.n; ++n)
                for (int64_t i = 0; i < area; ++i) sum += x[(int64_t(n) * s.c + c) * area + i];
            const double mean = sum / count;
            for (int n = 0; n < s.n; ++n)
                for (int64_t i = 0; i < area; ++i) {
                    const double d = x[(int64_t(n) * s.c + c) * area + i] - mean;
                    sq += d * d;
                }
            st.mean[c] = mean;
            st.var[c] = sq / count;
        }
        return st;
    }

    int channels_;
    float eps_, momentum_;
    bool training_ = false;
    Tensor weight_, weight_grad_, bias_, bias_grad_;
    // Training-mode forward updates the running statistics, as PyTorch's forward does.
    mutable Tensor running_mean_, running_var_;
};

}  // namespace

std::unique_ptr<Op> make_batchnorm2d(int channels, float eps, float momentum) {
    return std::make_unique<BatchNormOp>(channels, eps, momentum);
}
std::unique_ptr<Op> make_batchnorm2d(const BatchNormParams& params) {
    return std::make_unique<BatchNormOp>(params.channels, params.eps, params.momentum);
}

}  // namespace cl
