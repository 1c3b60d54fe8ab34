// The textbook loops for the element-wise ops of reference.h: Add/Sub/Mul/Div of two tensors or
// of a tensor and a broadcast constant, and Clip. One output cell at a time, in double.
#include <cmath>

#include "engine/error.h"
#include "engine/ops/reference.h"

namespace cl {

namespace {

// a + b, a - b, a * b or a / b. The double result rounds to the float the op computes: a
// double holds more than twice a float's digits, so one rounding in double and one to float
// give the correctly rounded float (no double-rounding error for + - * /).
double arithmetic(OpKind kind, double a, double b) {
    switch (kind) {
        case OpKind::Add:
            return a + b;
        case OpKind::Sub:
            return a - b;
        case OpKind::Mul:
            return a * b;
        case OpKind::Div:
            return a / b;
        default:
            CL_ASSERT(!"an element-wise kind: Add, Sub, Mul or Div");
            return 0.0;
    }
}

}  // namespace

Tensor elementwise_reference(OpKind kind, const Tensor& a, const Tensor& b) {
    const Shape s = a.shape();
    CL_ASSERT(b.shape() == s);
    Tensor out = Tensor::zeros(s);
    for (int n = 0; n < s.n; ++n)
        for (int c = 0; c < s.c; ++c)
            for (int y = 0; y < s.h; ++y)
                for (int x = 0; x < s.w; ++x)
                    out.at(n, c, y, x) =
                        float(arithmetic(kind, a.at(n, c, y, x), b.at(n, c, y, x)));
    return out;
}

Tensor elementwise_constant_reference(OpKind kind, const Tensor& input, const Tensor& constant,
                                      bool constant_first) {
    const Shape s = input.shape();
    const bool per_channel = constant.numel() != 1;
    CL_ASSERT(!per_channel || constant.numel() == s.c);
    Tensor out = Tensor::zeros(s);
    for (int n = 0; n < s.n; ++n)
        for (int c = 0; c < s.c; ++c) {
            const double k = constant[per_channel ? c : 0];  // [1,C,1,1] or [1,1,1,1]
            for (int y = 0; y < s.h; ++y)
                for (int x = 0; x < s.w; ++x) {
                    const double v = input.at(n, c, y, x);
                    out.at(n, c, y, x) =
                        float(constant_first ? arithmetic(kind, k, v) : arithmetic(kind, v, k));
                }
        }
    return out;
}

Tensor clip_reference(const Tensor& input, float min_value, float max_value) {
    Tensor out = Tensor::zeros(input.shape());
    for (int64_t i = 0; i < input.numel(); ++i) {
        const float v = input[i];
        out[i] = v < min_value ? min_value : (v > max_value ? max_value : v);
    }
    return out;
}

}  // namespace cl
