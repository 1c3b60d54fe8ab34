// Winograd F(m x m, 3x3), m = 2 or 4: input tiles of (m+2)^2 (stride m) are transformed to
// V = B^T d B, multiplied element-wise with U = G g G^T and summed over input channels
// ((m+2)^2 GEMMs [cout,cin] x [cin,tiles]), and folded back with Y = A^T M A. Tiles are
// processed in blocks whose V and M stay cache-sized; blocks are spread over the threads.
// The transforms run row-wise over many tiles at once, so every loop is a vector loop.
#include "engine/ops/winograd.h"

#include <algorithm>
#include <memory>

#include "engine/error.h"
#include "engine/ops/gemm.h"
#include "engine/ops/op_common.h"
#include "engine/ops/scratch.h"
#include "engine/parallel.h"

namespace cl {

namespace {

constexpr int64_t k_block_floats = int64_t(1) << 21;  // V + M of one block: about 8 MB

// The three transforms of F(m x m, 3x3), on one column of values. Written out rather than as
// matrix products: x * 0 cannot be folded away in IEEE arithmetic.
template <int M>
struct Transforms;

template <>
struct Transforms<2> {  // points 0, 1, -1, infinity
    static constexpr int alpha = 4;
    // B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
    static void input(const float d[4], float r[4]) {
        r[0] = d[0] - d[2];
        r[1] = d[1] + d[2];
        r[2] = d[2] - d[1];
        r[3] = d[1] - d[3];
    }
    // G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
    static void weight(const float g[3], float u[4]) {
        u[0] = g[0];
        u[1] = 0.5f * (g[0] + g[1] + g[2]);
        u[2] = 0.5f * (g[0] - g[1] + g[2]);
        u[3] = g[2];
    }
    // A^T = [1 1 1 0; 0 1 -1 -1]
    static void output(const float e[4], float y[2]) {
        y[0] = e[0] + e[1] + e[2];
        y[1] = e[1] - e[2] - e[3];
    }
};

template <>
struct Transforms<4> {  // points 0, 1, -1, 2, -2, infinity
    static constexpr int alpha = 6;
    // B^T rows: [4 0 -5 0 1 0], [0 -4 -4 1 1 0], [0 4 -4 -1 1 0], [0 -2 -1 2 1 0],
    // [0 2 -1 -2 1 0], [0 4 0 -5 0 1]
    static void input(const float d[6], float r[6]) {
        r[0] = 4.0f * d[0] - 5.0f * d[2] + d[4];
        r[1] = -4.0f * (d[1] + d[2]) + d[3] + d[4];
        r[2] = 4.0f * (d[1] - d[2]) - d[3] + d[4];
        r[3] = 2.0f * (d[3] - d[1]) - d[2] + d[4];
        r[4] = 2.0f * (d[1] - d[3]) - d[2] + d[4];
        r[5] = 4.0f * d[1] - 5.0f * d[3] + d[5];
    }
    // G rows: [1/4 0 0], [-1/6 -1/6 -1/6], [-1/6 1/6 -1/6], [1/24 1/12 1/6],
    // [1/24 -1/12 1/6], [0 0 1]
    static void weight(const float g[3], float u[6]) {
        u[0] = g[0] / 4.0f;
        u[1] = -(g[0] + g[1] + g[2]) / 6.0f;
        u[2] = -(g[0] - g[1] + g[2]) / 6.0f;
        u[3] = g[0] / 24.0f + g[1] / 12.0f + g[2] / 6.0f;
        u[4] = g[0] / 24.0f - g[1] / 12.0f + g[2] / 6.0f;
        u[5] = g[2];
    }
    // A^T rows: [1 1 1 1 1 0], [0 1 -1 2 -2 0], [0 1 1 4 4 0], [0 1 -1 8 -8 1]
    static void output(const float e[6], float y[4]) {
        const float sum12 = e[1] + e[2], diff12 = e[1] - e[2];
        const float sum34 = e[3] + e[4], diff34 = e[3] - e[4];
        y[0] = e[0] + sum12 + sum34;
        y[1] = diff12 + 2.0f * diff34;
        y[2] = sum12 + 4.0f * sum34;
        y[3] = diff12 + 8.0f * diff34 + e[5];
    }
};

// Calls f(tile_row, first_column, tiles, offset) for each run of the tiles [first, first+count)
// that lies in one row of the tile grid; offset is the run's position within the block.
template <typename F>
void for_each_tile_run(int tiles_w, int first, int count, F f) {
    for (int done = 0; done < count;) {
        const int tile = first + done;
        const int n = std::min(tiles_w - tile % tiles_w, count - done);
        f(tile / tiles_w, tile % tiles_w, n, done);
        done += n;
    }
}

// Floats of scratch the transforms need per thread: the input's alpha rows under a run of
// tiles, or the output's m x alpha partial rows plus one output line.
template <int M>
int64_t scratch_floats(int tiles_w) {
    constexpr int alpha = Transforms<M>::alpha;
    return std::max<int64_t>(int64_t(alpha) * (M * int64_t(tiles_w) + 2),
                             int64_t(M) * alpha * tiles_w + M * int64_t(tiles_w));
}

// V[alpha^2][cin][count] for tiles [first, first+count) of the tile grid. Row-wise: the alpha
// input rows under a run of tiles are copied zero-padded, combined as B^T d over the whole
// row, then split into the tiles' columns.
template <int M>
void transform_input(const float* x, const WinogradShape& s, int tiles_w, int first, int count,
                     int ci_begin, int ci_end, float* v, float* scratch) {
    using T = Transforms<M>;
    constexpr int alpha = T::alpha;
    const int64_t stride = int64_t(s.cin) * count;
    for_each_tile_run(tiles_w, first, count, [&](int ty, int tx, int n, int offset) {
        const int y0 = ty * M - s.pad, x0 = tx * M - s.pad, len = M * n + 2;
        // Columns [x0, x0+len) of the input that exist.
        const int lo = std::max(0, -x0), hi = std::min(len, s.width - x0);
        float* __restrict d = scratch;  // [alpha][len]
        for (int ci = ci_begin; ci < ci_end; ++ci) {
            const float* plane = x + int64_t(ci) * s.height * s.width;
            for (int i = 0; i < alpha; ++i) {
                float* row = d + i * len;
                const int y = y0 + i;
                if (y < 0 || y >= s.height || hi <= lo) {
                    std::fill(row, row + len, 0.0f);
                    continue;
                }
                std::fill(row, row + lo, 0.0f);
                std::copy(plane + int64_t(y) * s.width + x0 + lo,
                          plane + int64_t(y) * s.width + x0 + hi, row + lo);
                std::fill(row + hi, row + len, 0.0f);
            }
            for (int k = 0; k < len; ++k) {  // B^T d, in place down each column
                float column[alpha], r[alpha];
                for (int i = 0; i < alpha; ++i) column[i] = d[i * len + k];
                T::input(column, r);
                for (int i = 0; i < alpha; ++i) d[i * len + k] = r[i];
            }
            for (int i = 0; i < alpha; ++i) {  // (B^T d) B: alpha columns per tile
                const float* __restrict b = d + i * len;
                float* __restrict out = v + (i * alpha) * stride + int64_t(ci) * count + offset;
                for (int t = 0; t < n; ++t) {
                    float row[alpha], r[alpha];
                    for (int j = 0; j < alpha; ++j) row[j] = b[M * t + j];
                    T::input(row, r);
                    for (int j = 0; j < alpha; ++j) out[j * stride + t] = r[j];
                }
            }
        }
    });
}

// Y = A^T M A per tile, clipped to the output, plus bias. Row-wise over runs of tiles like
// transform_input.
template <int M>
void transform_output(const float* m, const float* bias, const WinogradShape& s, int tiles_w,
                      int first, int count, int co_begin, int co_end, float* out, float* relu_out,
                      float* scratch) {
    using T = Transforms<M>;
    constexpr int alpha = T::alpha;
    const int64_t stride = int64_t(s.cout) * count;
    for_each_tile_run(tiles_w, first, count, [&](int ty, int tx, int n, int offset) {
        const int y0 = ty * M, x0 = tx * M;
        const int cols = std::min(M * n, s.out_w - x0);
        float* __restrict r = scratch;                     // [M][alpha][n]: A^T M
        float* __restrict line = scratch + M * alpha * n;  // [M n]
        for (int co = co_begin; co < co_end; ++co) {
            const float* e = m + int64_t(co) * count + offset;
            for (int j = 0; j < alpha; ++j)
                for (int t = 0; t < n; ++t) {
                    float column[alpha], y[M];
                    for (int i = 0; i < alpha; ++i) column[i] = e[(i * alpha + j) * stride + t];
                    T::output(column, y);
                    for (int i = 0; i < M; ++i) r[(i * alpha + j) * n + t] = y[i];
                }
            const float b = bias ? bias[co] : 0.0f;
            const int64_t plane_at = int64_t(co) * s.out_h * s.out_w;
            float* plane = out + plane_at;
            for (int i = 0; i < M && y0 + i < s.out_h; ++i) {
                const float* __restrict q = r + i * alpha * n;
                for (int t = 0; t < n; ++t) {
                    float row[alpha], y[M];
                    for (int j = 0; j < alpha; ++j) row[j] = q[j * n + t];
                    T::output(row, y);
                    for (int k = 0; k < M; ++k) line[M * t + k] = y[k] + b;
                }
                const int64_t at = int64_t(y0 + i) * s.out_w + x0;
                std::copy(line, line + cols, plane + at);
                if (relu_out) relu_into(line, relu_out + plane_at + at, cols);
            }
        }
    });
}

template <int M>
std::vector<float> weights(const float* weight, int cout, int cin) {
    using T = Transforms<M>;
    constexpr int alpha = T::alpha;
    std::vector<float> u(size_t(alpha * alpha) * cout * cin);  // [alpha^2][cout][cin]
    const int64_t stride = int64_t(cout) * cin;
    for (int co = 0; co < cout; ++co)
        for (int ci = 0; ci < cin; ++ci) {
            const float* g = weight + (int64_t(co) * cin + ci) * 9;
            float t[alpha][3];  // G g, column by column
            for (int j = 0; j < 3; ++j) {
                const float column[3] = {g[j], g[3 + j], g[6 + j]};
                float r[alpha];
                T::weight(column, r);
                for (int i = 0; i < alpha; ++i) t[i][j] = r[i];
            }
            float* dst = u.data() + int64_t(co) * cin + ci;
            for (int i = 0; i < alpha; ++i) {  // (G g) G^T
                float r[alpha];
                T::weight(t[i], r);
                for (int j = 0; j < alpha; ++j) dst[(i * alpha + j) * stride] = r[j];
            }
        }
    return u;
}

// [cout, cin] x [cin, count] -> [cout, count] at one of the positions.
void multiply_position(const float* u, const float* v, float* m, const WinogradShape& s, int count,
                       int position, bool allow_threads) {
    GemmArgs g;
    g.m = s.cout;
    g.n = count;
    g.k = s.cin;
    g.a = u + int64_t(position) * s.cout * s.cin;
    g.lda = s.cin;
    g.b = v + int64_t(position) * s.cin * count;
    g.ldb = count;
    g.c = m + int64_t(position) * s.cout * count;
    g.ldc = count;
    g.allow_threads = allow_threads;
    gemm(g);
}

// Small maps (all tiles in one block): the threads share one V and M (the caller's) and split
// each phase, the input transform by input channel, the products by position, the output
// transform by output channel. Each thread then reads only its positions' part of U, where
// splitting the tiles made every thread read all of it (16-38 MB at 512 channels) for a few tiles
// each.
template <int M>
void convolve_in_phases(const float* x, const float* u, const float* bias, float* out,
                        float* relu_out, const WinogradShape& s, int tiles_w, int tiles,
                        bool threads) {
    constexpr int positions = Transforms<M>::alpha * Transforms<M>::alpha;
    const size_t v_floats = size_t(positions) * s.cin * tiles;
    float* v = thread_scratch(ScratchSlot::WinogradTransforms,
                              v_floats + size_t(positions) * s.cout * tiles);
    float* m = v + v_floats;
    // Channel ranges: a few per thread, so that a thread that wakes late finds its share taken.
    const int parts = threads ? 4 * parallel_team() : 1;
    auto range = [&](int total, int part) { return int(int64_t(total) * part / parts); };
    parallel_for_if(threads, parts, [&](int part) {
        float* rows = thread_scratch(ScratchSlot::WinogradRows, size_t(scratch_floats<M>(tiles_w)));
        transform_input<M>(x, s, tiles_w, 0, tiles, range(s.cin, part), range(s.cin, part + 1), v,
                           rows);
    });
    parallel_for_if(threads, positions,
                    [&](int xi) { multiply_position(u, v, m, s, tiles, xi, !threads); });
    parallel_for_if(threads, parts, [&](int part) {
        float* rows = thread_scratch(ScratchSlot::WinogradRows, size_t(scratch_floats<M>(tiles_w)));
        transform_output<M>(m, bias, s, tiles_w, 0, tiles, range(s.cout, part),
                            range(s.cout, part + 1), out, relu_out, rows);
    });
}

template <int M>
void convolve(const float* x, const float* u, const float* bias, float* out, float* relu_out,
              const WinogradShape& s) {
    constexpr int positions = Transforms<M>::alpha * Transforms<M>::alpha;
    const int tiles_h = (s.out_h + M - 1) / M, tiles_w = (s.out_w + M - 1) / M;
    const int tiles = tiles_h * tiles_w;
    const int team = parallel_team();
    const bool threads =
        team > 1 && int64_t(s.cin) * s.cout * tiles * positions >= k_min_parallel_macs;
    const int64_t block_tiles =
        std::max<int64_t>(16, k_block_floats / (positions * int64_t(s.cin + s.cout)));
    if (tiles <= block_tiles) {
        convolve_in_phases<M>(x, u, bias, out, relu_out, s, tiles_w, tiles, threads);
        return;
    }
    // Large maps: blocks of tiles, each thread transforming and multiplying its own blocks.
    // Every block re-reads all of U, so blocks are as large as the cache budget allows, and
    // their number is a multiple of the thread count so that no thread idles at the end.
    int blocks = int((tiles + block_tiles - 1) / block_tiles);
    if (threads) blocks = (blocks + team - 1) / team * team;
    blocks = std::min(blocks, tiles);
    const int block = (tiles + blocks - 1) / blocks;
    parallel_for_if(threads && blocks > 1, blocks, [&](int bi) {
        const int first = bi * block, count = std::min(block, tiles - first);
        if (count <= 0) return;  // rounding the blocks up can leave the last ones empty
        // The running thread's V [positions][cin][block], M [positions][cout][block] and rows.
        const size_t v_floats = size_t(positions) * s.cin * block;
        const size_t m_floats = size_t(positions) * s.cout * block;
        float* v = thread_scratch(ScratchSlot::WinogradTransforms, v_floats + m_floats);
        float* m = v + v_floats;
        float* rows = thread_scratch(ScratchSlot::WinogradRows, size_t(scratch_floats<M>(tiles_w)));
        transform_input<M>(x, s, tiles_w, first, count, 0, s.cin, v, rows);
        for (int xi = 0; xi < positions; ++xi) multiply_position(u, v, m, s, count, xi, !threads);
        transform_output<M>(m, bias, s, tiles_w, first, count, 0, s.cout, out, relu_out, rows);
    });
}

}  // namespace

int winograd_tile_for(int cin, int cout, int out_h, int out_w) {
    // Measured with bench/conv_bench against im2col + GEMM (docs/benchmarks.md), with the weight
    // transform cached by Conv2d and row-wise transforms. F(2x2) is 1.5-1.9x faster from 64
    // channels up on every VGG16 and ResNet-18 3x3 stride-1 layer with at least 14x14 outputs;
    // it loses with few channels (TinyVGG's 10: 6x slower; the GEMMs over cin are too shallow)
    // and on 7x7 outputs (16 tiles: each block re-reads all of U, 16 MB at 512 channels).
    const int64_t tiles2 = int64_t((out_h + 1) / 2) * ((out_w + 1) / 2);
    const int64_t tiles4 = int64_t((out_h + 3) / 4) * ((out_w + 3) / 4);
    if (cin < 64 || cout < 64) return 0;
    if (tiles4 >= 49) return 4;
    if (tiles2 >= 36) return 2;
    return 0;
}

int winograd_positions(int tile) {
    return (tile + 2) * (tile + 2);
}

std::vector<float> winograd_weights(const float* weight, int cout, int cin, int tile) {
    CL_ASSERT(tile == 2 || tile == 4);
    return tile == 2 ? weights<2>(weight, cout, cin) : weights<4>(weight, cout, cin);
}

void winograd_conv3x3(const float* x, const float* u, const float* bias, float* out,
                      float* relu_out, const WinogradShape& s) {
    CL_ASSERT(s.tile == 2 || s.tile == 4);
    if (s.tile == 2)
        convolve<2>(x, u, bias, out, relu_out, s);
    else
        convolve<4>(x, u, bias, out, relu_out, s);
}

}  // namespace cl
