// ActivationArena: every node's output of one forward pass in one block of memory, laid out
// once per graph and batch size, and reused by a later pass as soon as nobody holds a tensor
// of the earlier one. Before it, each pass allocated each output afresh; glibc handed the
// large ones back to the system between passes and the next pass paid the page faults again
// (ResNet-18's runs jumped between 14 and 20 ms).
//
// Nothing is recycled while in use: a block goes back into service only when the arena holds
// the last reference to it, so Activations stay immutable for as long as anyone keeps them
// (the GUI keeps the latest while the worker computes the next; a second block serves that).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/tensor.h"

namespace cl {

class ActivationArena {
public:
    // Uninitialised tensors of these shapes, views of one block. Thread-safe.
    std::vector<Tensor> acquire(const std::vector<Shape>& shapes);

    // Blocks kept for reuse; beyond this many in use at once, a pass gets a block of its own
    // that is freed with its tensors.
    static constexpr int k_kept_blocks = 3;

    int blocks_kept() const;  // for tests

private:
    struct Plan {
        std::vector<Shape> shapes;
        std::vector<int64_t> offsets;  // floats, each a multiple of 16 (64 bytes)
        int64_t floats = 0;
    };
    static Plan make_plan(const std::vector<Shape>& shapes);
    std::shared_ptr<float[]> free_block();  // caller holds mutex_

    mutable std::mutex mutex_;
    Plan plan_;
    std::vector<std::shared_ptr<float[]>> blocks_;
};

}  // namespace cl
