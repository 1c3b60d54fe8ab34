// The two update rules, written in float like PyTorch's own kernels (foreach=False paths of
// torch/optim/sgd.py and adam.py, version 1.13).
#include "engine/train/optimizer.h"

#include <cmath>

#include "engine/error.h"

namespace cl {

OptimizerKind optimizer_from_name(const std::string& name) {
    if (name == "sgd") return OptimizerKind::Sgd;
    if (name == "adam") return OptimizerKind::Adam;
    throw Error("unknown optimizer '" + name + "' (expected sgd or adam)");
}

const char* optimizer_name(OptimizerKind kind) {
    return kind == OptimizerKind::Sgd ? "sgd" : "adam";
}

Optimizer::Optimizer(std::vector<GraphParam> params, const OptimizerOptions& options)
    : options_(options) {
    if (!(options.lr > 0.0f))
        throw Error("learning rate must be positive, got " + std::to_string(options.lr));
    if (options.weight_decay < 0.0f) throw Error("weight decay must be 0 or more");
    for (GraphParam& p : params) {
        if (!p.param.trainable || p.param.grad == nullptr) continue;
        // Ops allocate gradients lazily; a parameter no backward has reached yet has zero grad.
        if (p.param.grad->empty()) *p.param.grad = Tensor::zeros(p.param.value->shape());
        Slot slot{p.param.value, p.param.grad, Tensor(), Tensor()};
        slots_.push_back(std::move(slot));
    }
}

void Optimizer::step() {
    ++steps_;
    const OptimizerOptions& o = options_;
    for (Slot& s : slots_) {
        float* w = s.value->data();
        const float* g = s.grad->data();
        const int64_t n = s.value->numel();
        if (o.kind == OptimizerKind::Sgd) {
            if (o.momentum == 0.0f) {
                for (int64_t i = 0; i < n; ++i) w[i] -= o.lr * (g[i] + o.weight_decay * w[i]);
                continue;
            }
            // PyTorch: the first step's buffer is the gradient itself (no dampening).
            const bool first = s.m.empty();
            if (first) s.m = Tensor::zeros(s.value->shape());
            float* buf = s.m.data();
            for (int64_t i = 0; i < n; ++i) {
                const float d = g[i] + o.weight_decay * w[i];
                buf[i] = first ? d : o.momentum * buf[i] + d;
                w[i] -= o.lr * buf[i];
            }
        } else {
            if (s.m.empty()) {
                s.m = Tensor::zeros(s.value->shape());
                s.v = Tensor::zeros(s.value->shape());
            }
            float* m = s.m.data();
            float* v = s.v.data();
            const double t = double(steps_);
            const float bias1 = float(1.0 - std::pow(double(o.beta1), t));
            const float bias2_sqrt = float(std::sqrt(1.0 - std::pow(double(o.beta2), t)));
            const float step_size = o.lr / bias1;
            for (int64_t i = 0; i < n; ++i) {
                const float d = g[i] + o.weight_decay * w[i];
                m[i] = o.beta1 * m[i] + (1.0f - o.beta1) * d;
                v[i] = o.beta2 * v[i] + (1.0f - o.beta2) * d * d;
                const float denom = std::sqrt(v[i]) / bias2_sqrt + o.eps;
                w[i] -= step_size * m[i] / denom;
            }
        }
    }
}

}  // namespace cl
