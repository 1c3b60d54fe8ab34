// Per-thread scratch memory for the ops, kept between calls. Allocating megabytes afresh on
// every call made malloc map and unmap them, and the page faults cost more than the kernels
// saved (Winograd's V and M: ResNet-18 28 -> 32 ms; im2col's columns: ResNet-18 conv1 took
// twice as long inside the model as alone). The one kind of mutable state outside a call in
// the engine, and it holds no result: every call overwrites what it reads.
#pragma once

#include <cstddef>

namespace cl {

// Independent users on one thread get separate slots, so that one may call the other.
enum class ScratchSlot {
    Im2colColumns,
    WinogradTransforms,
    WinogradRows,
    PaddedInput,
    PoolColumns,
    Count
};

// The calling thread's buffer for `slot`, at least `floats` long, contents undefined.
float* thread_scratch(ScratchSlot slot, size_t floats);

}  // namespace cl
