// SGD with momentum and Adam, both with L2 weight decay, with PyTorch's update rules
// (torch.optim.SGD / torch.optim.Adam), so that a step here equals a step there.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/graph.h"

namespace cl {

enum class OptimizerKind { Sgd, Adam };

OptimizerKind optimizer_from_name(const std::string& name);  // "sgd" | "adam"; throws cl::Error
const char* optimizer_name(OptimizerKind kind);

struct OptimizerOptions {
    OptimizerKind kind = OptimizerKind::Adam;
    float lr = 1e-3f;
    float weight_decay = 0.0f;  // added to the gradient as weight_decay * param (PyTorch)
    float momentum = 0.9f;      // SGD
    float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // Adam
};

// Holds the state (momentum buffers, Adam moments) of the parameters it was given; those
// Tensors must outlive it. Parameters without a grad are skipped.
class Optimizer {
public:
    Optimizer(std::vector<GraphParam> params, const OptimizerOptions& options);

    void step();  // one update from the current gradients
    void set_lr(float lr) { options_.lr = lr; }
    const OptimizerOptions& options() const { return options_; }
    int64_t steps() const { return steps_; }

private:
    struct Slot {
        Tensor* value;
        Tensor* grad;
        Tensor m, v;  // SGD: m is the momentum buffer; Adam: first and second moments
    };
    std::vector<Slot> slots_;
    OptimizerOptions options_;
    int64_t steps_ = 0;
};

}  // namespace cl
