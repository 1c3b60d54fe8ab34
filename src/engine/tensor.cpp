// Tensor storage and views.
#include "engine/tensor.h"

#include <utility>

#include <algorithm>
#include <cstring>
#include <new>

#include "engine/error.h"

namespace cl {

std::string Shape::str() const {
    return std::to_string(n) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" +
           std::to_string(w);
}

std::string Shape::chw() const {
    return std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w);
}

Tensor Tensor::zeros(Shape shape) {
    return filled(shape, 0.0f);
}

Tensor Tensor::filled(Shape shape, float value) {
    if (shape.n < 0 || shape.c < 0 || shape.h < 0 || shape.w < 0)
        throw Error("tensor: negative dimension in shape " + shape.str());
    Tensor t;
    t.shape_ = shape;
    // Over-allocate by one float so that an empty tensor still has storage (empty() == false).
    const int64_t count = std::max<int64_t>(1, shape.numel());
    // 64-byte aligned: Eigen's vectorised sums start where the address is aligned, so storage
    // at the same alignment every run keeps training bit-for-bit reproducible.
    t.storage_ = std::shared_ptr<float[]>(new (std::align_val_t(64)) float[count], [](float* p) {
        ::operator delete[](p, std::align_val_t(64));
    });
    std::fill_n(t.storage_.get(), count, value);
    return t;
}

Tensor Tensor::from_vector(Shape shape, const std::vector<float>& values) {
    if (int64_t(values.size()) != shape.numel())
        throw Error("tensor: " + std::to_string(values.size()) + " values do not fill shape " +
                    shape.str());
    Tensor t = zeros(shape);
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

Tensor Tensor::view_of(std::shared_ptr<float[]> storage, int64_t offset, Shape shape) {
    CL_ASSERT(storage != nullptr && offset >= 0);
    Tensor t;
    t.storage_ = std::move(storage);
    t.offset_ = offset;
    t.shape_ = shape;
    return t;
}

Tensor Tensor::view(Shape shape, int64_t offset) const {
    Tensor t = *this;
    t.shape_ = shape;
    t.offset_ = offset;
    return t;
}

const Tensor Tensor::plane(int n, int c) const {
    CL_ASSERT(n >= 0 && n < shape_.n && c >= 0 && c < shape_.c);
    return view({1, 1, shape_.h, shape_.w},
                offset_ + (int64_t(n) * shape_.c + c) * shape_.h * shape_.w);
}

Tensor Tensor::plane(int n, int c) {
    return std::as_const(*this).plane(n, c);
}

const Tensor Tensor::sample(int n) const {
    CL_ASSERT(n >= 0 && n < shape_.n);
    return view({1, shape_.c, shape_.h, shape_.w}, offset_ + int64_t(n) * shape_.per_sample());
}

Tensor Tensor::sample(int n) {
    return std::as_const(*this).sample(n);
}

const Tensor Tensor::reshaped(Shape shape) const {
    if (shape.numel() != numel())
        throw Error("tensor: cannot reshape " + shape_.str() + " to " + shape.str());
    return view(shape, offset_);
}

Tensor Tensor::reshaped(Shape shape) {
    return std::as_const(*this).reshaped(shape);
}

Tensor Tensor::clone() const {
    if (empty()) return Tensor();
    Tensor t = zeros(shape_);
    std::memcpy(t.data(), data(), sizeof(float) * size_t(numel()));
    return t;
}

void Tensor::fill(float value) {
    std::fill_n(data(), numel(), value);
}

MatrixMap Tensor::as_matrix(int rows, int cols) {
    CL_ASSERT(int64_t(rows) * cols == numel());
    return MatrixMap(data(), rows, cols);
}

ConstMatrixMap Tensor::as_matrix(int rows, int cols) const {
    CL_ASSERT(int64_t(rows) * cols == numel());
    return ConstMatrixMap(data(), rows, cols);
}

std::vector<float> Tensor::to_vector() const {
    return empty() ? std::vector<float>() : std::vector<float>(data(), data() + numel());
}

}  // namespace cl
