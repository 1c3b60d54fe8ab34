// Helpers for the op tests: run one op on tensors, set its parameters, and check its
// backward against double-sided finite differences.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "engine/ops/op.h"
#include "testing.h"

namespace cl::testing {

inline Tensor run_op(const Op& op, const std::vector<const Tensor*>& inputs) {
    std::vector<Shape> shapes;
    for (const Tensor* t : inputs) shapes.push_back(t->shape());
    // NaN, as outputs come from a reused arena in a graph: the op must write every value.
    Tensor out = Tensor::filled(op.infer_shape(shapes), std::numeric_limits<float>::quiet_NaN());
    op.forward(inputs, out);
    return out;
}
inline Tensor run_op(const Op& op, const Tensor& input) {
    return run_op(op, {&input});
}

inline NamedParam find_param(Op& op, const std::string& name) {
    for (const NamedParam& p : op.params())
        if (p.name == name) return p;
    ADD_FAILURE() << "no parameter " << name;
    return {};
}

// Copies `values` into the op's parameter `name` (shapes must agree).
inline void set_param(Op& op, const std::string& name, const Tensor& values) {
    NamedParam p = find_param(op, name);
    ASSERT_NE(p.value, nullptr);
    ASSERT_EQ(p.value->shape(), values.shape()) << name;
    std::copy(values.data(), values.data() + values.numel(), p.value->data());
}

// Values spaced `gap` apart in random order: no ties within eps, for max pooling and ReLU.
inline Tensor distinct_tensor(Shape shape, uint32_t seed, float gap = 0.01f) {
    std::vector<int> order(size_t(shape.numel()));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    Tensor t = Tensor::zeros(shape);
    const float mid = float(shape.numel()) / 2;
    for (int64_t i = 0; i < t.numel(); ++i) t[i] = (float(order[size_t(i)]) - mid + 0.5f) * gap;
    return t;
}

struct GradCheckOptions {
    float eps = 1e-2f;
    double atol = 5e-4, rtol = 5e-3;
    // 0: every element. Otherwise about this many per tensor, evenly strided, for layers too
    // large to perturb element by element (Winograd-sized convolutions).
    int64_t max_elements = 0;
};

// loss = sum(output * weights), evaluated in double so that only the op's float error remains.
inline double weighted_loss(const Op& op, const std::vector<Tensor>& inputs,
                            const Tensor& weights) {
    std::vector<const Tensor*> ptrs;
    for (const Tensor& t : inputs) ptrs.push_back(&t);
    const Tensor out = run_op(op, ptrs);
    double loss = 0;
    for (int64_t i = 0; i < out.numel(); ++i) loss += double(out[i]) * weights[i];
    return loss;
}

// Compares Op::backward with (L(x+eps) - L(x-eps)) / 2eps for every input element and every
// trainable parameter element (or a strided subset, opt.max_elements). Gradients are
// pre-filled with a constant to check that backward ADDS into them.
inline ::testing::AssertionResult check_gradients(Op& op, std::vector<Tensor> inputs, uint32_t seed,
                                                  const GradCheckOptions& opt = {}) {
    constexpr float k_prefill = 0.5f;
    std::vector<const Tensor*> ptrs;
    for (const Tensor& t : inputs) ptrs.push_back(&t);
    const Tensor out = run_op(op, ptrs);
    const Tensor dy = random_tensor(out.shape(), seed);

    std::vector<Tensor> grads;
    for (const Tensor& t : inputs) grads.push_back(Tensor::filled(t.shape(), k_prefill));
    for (NamedParam& p : op.params())
        if (p.grad) *p.grad = Tensor::filled(p.value->shape(), k_prefill);  // may be unallocated
    BackwardArgs args;
    args.inputs = ptrs;
    args.output = &out;
    args.grad_output = &dy;
    for (Tensor& g : grads) args.grad_inputs.push_back(&g);
    op.backward(args);

    // value() gives the tensor to perturb. For a parameter it asks op.params() again before
    // every write, as the contract of params() says: the op then drops what it derived from
    // the old values (Conv2d's cached Winograd weights).
    auto compare = [&](const std::string& what, const std::function<Tensor&()>& value,
                       const Tensor& grad) -> ::testing::AssertionResult {
        const int64_t count = value().numel();
        const int64_t step =
            opt.max_elements > 0
                ? std::max<int64_t>(1, (count + opt.max_elements - 1) / opt.max_elements)
                : 1;
        for (int64_t i = 0; i < count; i += step) {
            const float saved = value()[i];
            value()[i] = saved + opt.eps;
            const double plus = weighted_loss(op, inputs, dy);
            value()[i] = saved - opt.eps;
            const double minus = weighted_loss(op, inputs, dy);
            value()[i] = saved;
            const double numeric = (plus - minus) / (2.0 * double(opt.eps));
            const double analytic = double(grad[i]) - k_prefill;
            if (!(std::fabs(analytic - numeric) <= opt.atol + opt.rtol * std::fabs(numeric)))
                return ::testing::AssertionFailure()
                       << what << "[" << i << "] of " << value().shape().str() << ": backward "
                       << analytic << ", finite difference " << numeric;
        }
        return ::testing::AssertionSuccess();
    };
    for (size_t k = 0; k < inputs.size(); ++k) {
        auto r = compare(
            "input " + std::to_string(k), [&]() -> Tensor& { return inputs[k]; }, grads[k]);
        if (!r) return r;
    }
    for (NamedParam& p : op.params()) {
        if (!p.trainable || !p.grad) continue;
        const Tensor grad = p.grad->clone();
        const std::string name = p.name;
        auto r = compare(
            name, [&]() -> Tensor& { return *find_param(op, name).value; }, grad);
        if (!r) return r;
    }
    return ::testing::AssertionSuccess();
}

}  // namespace cl::testing
