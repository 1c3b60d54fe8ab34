// Ceilings on what a file may make ConvLens allocate, and overflow-safe size arithmetic: a header
// that lies is refused with one line, naming the file, before any buffer is sized from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cl {

// One tensor (a weight, an activation, a data set) holds at most 2^28 values (1 GiB of float32).
// The largest real tensor ConvLens meets is VGG16's fc6 weight (102.8 M values); Fashion-MNIST's
// training images are 47 M. A file claiming more is a bad file, not a bigger model.
constexpr int64_t k_max_tensor_elements = int64_t(1) << 28;

// An image is at most 16384 pixels on a side and 2^26 (67 M) pixels in all: more than an 8K
// screenshot (33 M) or a 50-megapixel phone photo, while the decoded RGB floats (768 MB) still fit
// a classroom laptop. A 50,000 x 50,000 PNG of a few hundred bytes would otherwise ask for 7.5 GB.
constexpr int k_max_image_side = 16384;
constexpr int64_t k_max_image_pixels = int64_t(1) << 26;

// Kernel sizes, strides, dilations and pads read from a model file: far above any real network's
// (the largest common kernel is 11), and small enough that sums and products of two such values
// and an activation side stay far inside an int.
constexpr int64_t k_max_window = 4096;

// The product of `dims`, or -1 when one is negative, one exceeds `limit` or the product does
// (checked at every step, so it never overflows). A zero dimension gives 0.
inline int64_t bounded_product(const int64_t* dims, size_t count, int64_t limit) {
    for (size_t i = 0; i < count; ++i)
        if (dims[i] < 0 || dims[i] > limit) return -1;
    int64_t product = 1;
    for (size_t i = 0; i < count; ++i) {
        if (dims[i] == 0) return 0;
        if (__builtin_mul_overflow(product, dims[i], &product) || product > limit) {
            for (size_t k = i + 1; k < count; ++k)
                if (dims[k] == 0) return 0;
            return -1;
        }
    }
    return product;
}

inline int64_t bounded_product(const std::vector<int64_t>& dims, int64_t limit) {
    return bounded_product(dims.data(), dims.size(), limit);
}

// The file's size in bytes, to check a header's claims against; throws naming the file when it
// is missing, a folder or unreadable.
uint64_t file_size_checked(const std::string& path);

}  // namespace cl
