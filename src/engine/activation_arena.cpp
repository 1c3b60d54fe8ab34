// The arena's layout (each output at a 64-byte boundary, the alignment Tensor::zeros gives, so
// that Eigen's vectorised sums add in the same order as before and training stays
// reproducible) and the hand-out of free blocks.
#include "engine/activation_arena.h"

#include <algorithm>
#include <atomic>
#include <new>

namespace cl {

namespace {
constexpr int64_t k_align_floats = 16;  // 64 bytes

std::shared_ptr<float[]> allocate_block(int64_t floats) {
    const size_t count = size_t(std::max<int64_t>(1, floats));
    return std::shared_ptr<float[]>(new (std::align_val_t(64)) float[count],
                                    [](float* p) { ::operator delete[](p, std::align_val_t(64)); });
}
}  // namespace

ActivationArena::Plan ActivationArena::make_plan(const std::vector<Shape>& shapes) {
    Plan plan;
    plan.shapes = shapes;
    for (const Shape& s : shapes) {
        plan.offsets.push_back(plan.floats);
        const int64_t size = std::max<int64_t>(1, s.numel());
        plan.floats += (size + k_align_floats - 1) / k_align_floats * k_align_floats;
    }
    return plan;
}

std::shared_ptr<float[]> ActivationArena::free_block() {
    for (const std::shared_ptr<float[]>& block : blocks_) {
        if (block.use_count() == 1) {
            // The last tensor of the previous pass may have been dropped on another thread:
            // its reads of the block happen before our writes.
            std::atomic_thread_fence(std::memory_order_acquire);
            return block;
        }
    }
    std::shared_ptr<float[]> block = allocate_block(plan_.floats);
    if (int(blocks_.size()) < k_kept_blocks) blocks_.push_back(block);
    return block;
}

std::vector<Tensor> ActivationArena::acquire(const std::vector<Shape>& shapes) {
    std::shared_ptr<float[]> block;
    std::vector<int64_t> offsets;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (shapes != plan_.shapes) {  // a new batch size or a changed graph: plan again
            plan_ = make_plan(shapes);
            blocks_.clear();  // blocks still in use live on with their tensors
        }
        block = free_block();
        offsets = plan_.offsets;
    }
    std::vector<Tensor> tensors;
    tensors.reserve(shapes.size());
    for (size_t i = 0; i < shapes.size(); ++i)
        tensors.push_back(Tensor::view_of(block, offsets[i], shapes[i]));
    return tensors;
}

int ActivationArena::blocks_kept() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return int(blocks_.size());
}

}  // namespace cl
