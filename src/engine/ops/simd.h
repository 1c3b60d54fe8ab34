// Vectors of 8 and 16 floats (one AVX / AVX-512 register) through GCC's vector extension, for
// the hand-blocked kernels (direct convolution, the few-columns GEMM): plain fixed-size arrays
// were not kept in registers (6x slower than im2col).
#pragma once

#include <cstring>

namespace cl {

typedef float Vec8 __attribute__((vector_size(32)));
typedef float Vec16 __attribute__((vector_size(64)));

#if defined(__AVX512F__)
using VecWide = Vec16;  // 32 registers
constexpr int k_vector_registers = 32;
#else
using VecWide = Vec8;  // 16 registers
constexpr int k_vector_registers = 16;
#endif

template <typename V>
constexpr int vec_lanes = int(sizeof(V) / sizeof(float));

// Unaligned load and store (memcpy compiles to one vmovups).
template <typename V>
inline V vec_load(const float* p) {
    V v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

template <typename V>
inline void vec_store(float* p, const V& v) {
    std::memcpy(p, &v, sizeof(v));
}

}  // namespace cl
