// Tensor: float32, NCHW, contiguous, with shared storage so that views (planes, samples,
// reshapes) cost nothing. Activations keep one Tensor per graph node.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cl {

struct Shape {
    int n = 1, c = 1, h = 1, w = 1;

    int64_t numel() const { return int64_t(n) * c * h * w; }
    int64_t per_sample() const { return int64_t(c) * h * w; }
    bool operator==(const Shape& o) const { return n == o.n && c == o.c && h == o.h && w == o.w; }
    bool operator!=(const Shape& o) const { return !(*this == o); }
    std::string str() const;  // "1x6x28x28"
    std::string chw() const;  // "6x28x28" (what the slides write)
};

using MatrixMap = Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
using ConstMatrixMap =
    Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

class Tensor {
public:
    Tensor() = default;
    static Tensor zeros(Shape shape);
    static Tensor filled(Shape shape, float value);
    static Tensor from_vector(Shape shape, const std::vector<float>& values);
    // A tensor over storage someone else laid out (ActivationArena): `offset` floats in,
    // values as they are (not zeroed).
    static Tensor view_of(std::shared_ptr<float[]> storage, int64_t offset, Shape shape);

    const Shape& shape() const { return shape_; }
    int64_t numel() const { return shape_.numel(); }
    bool empty() const { return storage_ == nullptr; }

    float* data() { return storage_.get() + offset_; }
    const float* data() const { return storage_.get() + offset_; }
    float& at(int n, int c, int h, int w) {
        return data()[((int64_t(n) * shape_.c + c) * shape_.h + h) * shape_.w + w];
    }
    float at(int n, int c, int h, int w) const {
        return data()[((int64_t(n) * shape_.c + c) * shape_.h + h) * shape_.w + w];
    }
    float& operator[](int64_t i) { return data()[i]; }
    float operator[](int64_t i) const { return data()[i]; }

    // Views share storage. A const tensor hands out const views only: an activation a view
    // holds cannot be written through plane(), sample() or reshaped().
    Tensor plane(int n, int c);  // [1,1,H,W] view of one map
    const Tensor plane(int n, int c) const;
    Tensor sample(int n);  // [1,C,H,W] view of one batch item
    const Tensor sample(int n) const;
    Tensor reshaped(Shape shape);  // same numel
    const Tensor reshaped(Shape shape) const;
    Tensor clone() const;  // deep copy
    void fill(float value);

    MatrixMap as_matrix(int rows, int cols);
    ConstMatrixMap as_matrix(int rows, int cols) const;
    std::vector<float> to_vector() const;

private:
    Tensor view(Shape shape, int64_t offset) const;  // shares storage_
    std::shared_ptr<float[]> storage_;
    Shape shape_;
    int64_t offset_ = 0;
};

}  // namespace cl
