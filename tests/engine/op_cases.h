// The op-case table (op_case_table.cpp): one row per op kind and attribute combination, which
// test_op_cases.cpp runs through forward, fused-ReLU, finite-difference and PyTorch-parity
// checks.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "engine/ops/op.h"
#include "op_test_util.h"

namespace cl::testing {

using Inputs = std::vector<const Tensor*>;
// The expected output, from the inputs and the op's (randomised) parameters.
using ReferenceFn = std::function<Tensor(const Op& op, const Inputs& inputs)>;
// Input `index` of the op, of this shape.
using InputFn = std::function<Tensor(size_t index, Shape shape, uint32_t seed)>;

InputFn uniform(float lo = -1.0f, float hi = 1.0f);

struct OpCase {
    std::string variant;  // the attributes, "k3_s2_p1_g2"; the kind is read from the op
    std::function<std::unique_ptr<Op>()> make;
    std::vector<Shape> inputs;
    ReferenceFn reference;
    bool has_backward = true;  // false: the test checks that backward still throws
    // The oracle op (torch_parity_ops.h) whose PyTorch autograd cases cover this op kind's
    // forward and backward in test_torch_parity*.cpp; every row with a backward names one.
    std::string torch;
    bool training = false;
    InputFn input = uniform();
    float rtol = 1e-5f, atol = 1e-6f;
    GradCheckOptions grad;

    std::string name() const { return std::string(op_kind_name(make()->kind())) + "_" + variant; }

    OpCase& forward_only() {
        has_backward = false;
        return *this;
    }
    OpCase& torch_parity(std::string oracle_op) {
        torch = std::move(oracle_op);
        return *this;
    }
    OpCase& in_training() {
        training = true;
        return *this;
    }
    OpCase& with_inputs(InputFn f, float eps = 2e-3f) {  // eps below half the gap of distinct()
        input = std::move(f);
        grad.eps = eps;
        return *this;
    }
    OpCase& tolerance(float r, float a) {
        rtol = r;
        atol = a;
        return *this;
    }
    OpCase& sampled_gradients(int64_t per_tensor) {  // layers too large for every element
        grad.max_elements = per_tensor;
        grad.eps = 0.05f;  // linear ops: a larger step costs no accuracy, and hides rounding
        return *this;
    }
};
void PrintTo(const OpCase& c, std::ostream* os);  // "Conv2d/k3_s2_p1_g2" in test names

// Every row, built once.
const std::vector<OpCase>& op_cases();

}  // namespace cl::testing
