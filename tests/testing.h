// Shared test helpers: tolerant tensor comparison that names the first bad index, seeded
// random tensors, temporary folders and running the convlens binary.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

#include "engine/tensor.h"

namespace cl::testing {

inline Tensor random_tensor(Shape shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    Tensor t = Tensor::zeros(shape);
    for (int64_t i = 0; i < t.numel(); ++i) t[i] = dist(rng);
    return t;
}

// |a - b| <= atol + rtol * |b| everywhere; reports max diff and the first bad index.
inline ::testing::AssertionResult tensors_close(const Tensor& a, const Tensor& b,
                                                float rtol = 1e-4f, float atol = 1e-5f) {
    if (a.shape() != b.shape())
        return ::testing::AssertionFailure()
               << "shapes differ: " << a.shape().str() << " vs " << b.shape().str();
    double max_diff = 0;
    int64_t first_bad = -1;
    for (int64_t i = 0; i < a.numel(); ++i) {
        const double d = std::fabs(double(a[i]) - double(b[i]));
        if (!(d <= atol + rtol * std::fabs(double(b[i])))) {  // also catches NaN
            if (first_bad < 0) first_bad = i;
        }
        if (d > max_diff || std::isnan(d)) max_diff = d;
    }
    if (first_bad >= 0)
        return ::testing::AssertionFailure()
               << "max |diff| " << max_diff << "; first bad index " << first_bad << ": "
               << a[first_bad] << " vs " << b[first_bad] << " (shape " << a.shape().str() << ")";
    return ::testing::AssertionSuccess();
}

#define EXPECT_TENSORS_CLOSE(a, b, rtol, atol) \
    EXPECT_TRUE(::cl::testing::tensors_close((a), (b), (rtol), (atol)))

// A fresh, empty folder for one test.
inline std::filesystem::path temp_dir(const std::string& name) {
    std::filesystem::path dir = std::filesystem::path(CONVLENS_TEST_TMP) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace cl::testing
