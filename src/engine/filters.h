// A layer's learned filters as pictures: the views show one input channel's slice of every
// filter beside the maps those filters made.
#pragma once

#include "engine/graph.h"
#include "engine/tensor.h"

namespace cl {

// weight [O, I/groups, K, K] -> [1, O, K, K]: every filter's slice for one input channel.
Tensor filters_for_input(const Tensor& weight, int input_channel);

}  // namespace cl
