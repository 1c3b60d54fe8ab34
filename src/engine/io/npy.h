// NumPy .npy files (format 1.0, '<f4', C order), for dumped activations and model inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cl {

// Writes with the tensor's 4-D shape [N,C,H,W], or with `shape` when given (same numel). Atomic.
void npy_write(const std::string& path, const Tensor& tensor,
               const std::vector<int64_t>& shape = {});
// Reads float32 (or float64, converted) arrays of rank 1-4; shapes are right-aligned into NCHW
// ([28,28] -> 1x1x28x28, [1,28,28] -> 1x1x28x28). Throws cl::Error naming the file.
Tensor npy_read(const std::string& path, std::vector<int64_t>* file_shape = nullptr);

}  // namespace cl
