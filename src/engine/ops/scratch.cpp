// Grow-only per-thread buffers (OpenMP's and Eigen's threads persist, so each keeps its own).
#include "engine/ops/scratch.h"

#include <memory>
#include <new>

namespace cl {

namespace {
struct Buffer {
    std::unique_ptr<float[]> data;
    size_t size = 0;
};
}  // namespace

float* thread_scratch(ScratchSlot slot, size_t floats) {
    thread_local Buffer buffers[int(ScratchSlot::Count)];
    Buffer& b = buffers[int(slot)];
    if (b.size < floats) {
        b.data.reset();  // free first: the old and the new buffer need not coexist
        b.data.reset(new float[floats]);
        b.size = floats;
    }
    return b.data.get();
}

}  // namespace cl
