// Small helpers shared by the op implementations in this folder: input-count checks and the
// deep copy of parameter tensors that clone() needs.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.h"
#include "engine/ops/op.h"
#include "engine/tensor.h"

namespace cl {

inline void require_input_count(const std::vector<Shape>& inputs, size_t count) {
    if (inputs.size() != count)
        throw Error("expects " + std::to_string(count) + (count == 1 ? " input" : " inputs") +
                    ", got " + std::to_string(inputs.size()));
}

// Tensors share storage when copied; an op's clone() must not share its parameters.
inline void deep_copy_tensors(std::vector<Tensor*> tensors) {
    for (Tensor* t : tensors)
        if (!t->empty()) *t = t->clone();
}

// Parameter gradients are created zero-filled on first use, not with the op: inference never
// needs them. Pairs of {value, grad}; an empty value (no bias) gets no gradient.
inline void allocate_grads(std::initializer_list<std::pair<const Tensor*, Tensor*>> pairs) {
    for (const auto& [value, grad] : pairs)
        if (!value->empty() && grad->empty()) *grad = Tensor::zeros(value->shape());
}

// Base of the ops that write a following ReLU in their own pass (Conv2d, BatchNorm2d, Add):
// one function serves both of Op's entry points.
class ReluFusingOp : public Op {
public:
    void forward(const std::vector<const Tensor*>& inputs, Tensor& output) const final {
        forward_fused(inputs, output, nullptr);
    }
    bool forward_with_relu(const std::vector<const Tensor*>& inputs, Tensor& output,
                           Tensor& relu_output) const final {
        forward_fused(inputs, output, &relu_output);
        return true;
    }

protected:
    // The forward pass; with `relu`, ReLU(output) is written there too, while still in cache.
    virtual void forward_fused(const std::vector<const Tensor*>& inputs, Tensor& output,
                               Tensor* relu) const = 0;
};

// dst[i] = ReLU(src[i]) exactly as the ReLU op computes it (NaN stays NaN, -0 stays -0), for
// the ops that fuse a following ReLU into their own pass (Op::forward_with_relu).
inline void relu_into(const float* src, float* dst, int64_t count) {
    for (int64_t i = 0; i < count; ++i) dst[i] = src[i] < 0.0f ? 0.0f : src[i];
}

}  // namespace cl
