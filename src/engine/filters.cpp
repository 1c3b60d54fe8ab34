// A layer's learned filters as pictures (see filters.h).
#include "engine/filters.h"

#include "engine/error.h"

namespace cl {

const Tensor* node_weight(const Node& node) {
    if (!node.op) return nullptr;
    for (const NamedParam& p : node.op->params())
        if (p.name == "weight") return p.value;
    return nullptr;
}

Tensor filters_for_input(const Tensor& weight, int input_channel) {
    const Shape& s = weight.shape();
    CL_ASSERT(input_channel >= 0 && input_channel < s.c);
    Tensor out = Tensor::zeros({1, s.n, s.h, s.w});
    for (int o = 0; o < s.n; ++o)
        for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x) out.at(0, o, y, x) = weight.at(o, input_channel, y, x);
    return out;
}

}  // namespace cl
