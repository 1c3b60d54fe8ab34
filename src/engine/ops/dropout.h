// Dropout's reproducible masks: every training-mode forward draws its mask from the op's seed
// and how many masks it has drawn so far, so the same seed gives the same run.
#pragma once

#include <cstdint>

#include "engine/ops/op.h"

namespace cl {

// Sets the seed and restarts the mask count. Throws cl::Error if `op` is not a Dropout.
void dropout_set_seed(Op& op, uint64_t seed);

}  // namespace cl
