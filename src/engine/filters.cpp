// A layer's learned filters as pictures (see filters.h).
#include "engine/filters.h"

#include "engine/error.h"

namespace cl {

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
