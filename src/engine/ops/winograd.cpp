// Winograd F(2x2, 3x3): input tiles of 4x4 (stride 2) are transformed to V = B^T d B, multiplied
// element-wise with U = G g G^T and summed over input channels (16 GEMMs [cout,cin] x
// [cin,tiles]), and folded back with Y = A^T M A. Tiles are processed in blocks whose V and M
// stay cache-sized; blocks are spread over the threads.
#include "engine/ops/winograd.h"

#include <omp.h>

#include <algorithm>
#include <memory>

#include "engine/ops/gemm.h"
#include "engine/ops/scratch.h"

namespace cl {

namespace {
constexpr int64_t k_block_floats = int64_t(1) << 21;  // V + M of one block: about 8 MB

int64_t block_tiles(const WinogradShape& s) {
    return std::max<int64_t>(16, k_block_floats / (16 * int64_t(s.cin + s.cout)));
}
}  // namespace

bool winograd_worth_it(int cin, int cout, int out_h, int out_w) {
    // Measured with bench/conv_bench against im2col + GEMM (docs/benchmarks.md), with the weight
    // transform cached by Conv2d and row-wise transforms: 1.5-1.9x faster from 64 channels up on
    // every VGG16 and ResNet-18 3x3 stride-1 layer with at least 14x14 outputs. It loses with
    // few channels (TinyVGG's 10: 6x slower; the GEMMs over cin are too shallow) and on 7x7
    // outputs (16 tiles: each block re-reads all of U, 16 MB at 512 channels, for few tiles).
    const int64_t tiles = int64_t((out_h + 1) / 2) * ((out_w + 1) / 2);
    return cin >= 64 && cout >= 64 && tiles >= 36;
}

std::vector<float> winograd_weights(const float* weight, int cout, int cin) {
    // [16][cout][cin]
    std::vector<float> u(size_t(16) * cout * cin);
    const int64_t stride = int64_t(cout) * cin;
    for (int co = 0; co < cout; ++co)
        for (int ci = 0; ci < cin; ++ci) {
            const float* g = weight + (int64_t(co) * cin + ci) * 9;
            float t[4][3];  // G g, G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
            for (int j = 0; j < 3; ++j) {
                t[0][j] = g[j];
                t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
                t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
                t[3][j] = g[6 + j];
            }
            float* dst = u.data() + int64_t(co) * cin + ci;
            for (int i = 0; i < 4; ++i) {  // (G g) G^T
                const float r[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]),
                                    0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
                for (int j = 0; j < 4; ++j) dst[(i * 4 + j) * stride] = r[j];
            }
        }
    return u;
}

namespace {

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

// Floats of scratch the transforms need per thread.
int64_t scratch_floats(int tiles_w) {
    return std::max<int64_t>(4 * (2 * int64_t(tiles_w) + 2), 10 * int64_t(tiles_w) + 2);
}

// V[16][cin][count] for tiles [first, first+count) of the tile grid. Row-wise: the four input
// rows under a run of tiles are copied zero-padded, combined as B^T d over the whole row, then
// split into the tiles' columns, so that every loop runs over many tiles at once.
void transform_input(const float* x, const WinogradShape& s, int tiles_w, int first, int count,
                     float* v, float* scratch) {
    const int64_t stride = int64_t(s.cin) * count;
    for_each_tile_run(tiles_w, first, count, [&](int ty, int tx, int n, int offset) {
        const int y0 = ty * 2 - s.pad, x0 = tx * 2 - s.pad, len = 2 * n + 2;
        // Columns [x0, x0+len) of the input that exist.
        const int lo = std::max(0, -x0), hi = std::min(len, s.width - x0);
        float* __restrict d = scratch;  // [4][len]
        for (int ci = 0; ci < s.cin; ++ci) {
            const float* plane = x + int64_t(ci) * s.height * s.width;
            for (int i = 0; i < 4; ++i) {
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
            // B^T d in place, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
            float* __restrict r0 = d;
            float* __restrict r1 = d + len;
            float* __restrict r2 = d + 2 * len;
            float* __restrict r3 = d + 3 * len;
            for (int k = 0; k < len; ++k) {
                const float a = r0[k], b = r1[k], c = r2[k], e = r3[k];
                r0[k] = a - c;
                r1[k] = b + c;
                r2[k] = c - b;
                r3[k] = b - e;
            }
            for (int i = 0; i < 4; ++i) {  // (B^T d) B, column pairs per tile
                const float* __restrict b = d + i * len;
                float* __restrict v0 = v + (i * 4 + 0) * stride + int64_t(ci) * count + offset;
                float* __restrict v1 = v0 + stride;
                float* __restrict v2 = v1 + stride;
                float* __restrict v3 = v2 + stride;
                for (int t = 0; t < n; ++t) {
                    v0[t] = b[2 * t] - b[2 * t + 2];
                    v1[t] = b[2 * t + 1] + b[2 * t + 2];
                    v2[t] = b[2 * t + 2] - b[2 * t + 1];
                    v3[t] = b[2 * t + 1] - b[2 * t + 3];
                }
            }
        }
    });
}

// Y = A^T M A per tile, A^T = [1 1 1 0; 0 1 -1 -1], clipped to the output, plus bias. Row-wise
// over runs of tiles like transform_input.
void transform_output(const float* m, const float* bias, const WinogradShape& s, int tiles_w,
                      int first, int count, float* out, float* scratch) {
    const int64_t stride = int64_t(s.cout) * count;
    for_each_tile_run(tiles_w, first, count, [&](int ty, int tx, int n, int offset) {
        const int y0 = ty * 2, x0 = tx * 2;
        const int cols = std::min(2 * n, s.out_w - x0);
        float* __restrict r = scratch;             // [2][4][n]: A^T M
        float* __restrict line = scratch + 8 * n;  // [2n]
        for (int co = 0; co < s.cout; ++co) {
            const float* e = m + int64_t(co) * count + offset;
            for (int j = 0; j < 4; ++j) {
                const float* __restrict e0 = e + (0 * 4 + j) * stride;
                const float* __restrict e1 = e + (1 * 4 + j) * stride;
                const float* __restrict e2 = e + (2 * 4 + j) * stride;
                const float* __restrict e3 = e + (3 * 4 + j) * stride;
                float* __restrict top = r + j * n;
                float* __restrict bottom = r + (4 + j) * n;
                for (int t = 0; t < n; ++t) {
                    top[t] = e0[t] + e1[t] + e2[t];
                    bottom[t] = e1[t] - e2[t] - e3[t];
                }
            }
            const float b = bias ? bias[co] : 0.0f;
            float* plane = out + int64_t(co) * s.out_h * s.out_w;
            for (int i = 0; i < 2 && y0 + i < s.out_h; ++i) {
                const float* __restrict q = r + i * 4 * n;
                for (int t = 0; t < n; ++t) {
                    line[2 * t] = q[t] + q[n + t] + q[2 * n + t] + b;
                    line[2 * t + 1] = q[n + t] - q[2 * n + t] - q[3 * n + t] + b;
                }
                std::copy(line, line + cols, plane + int64_t(y0 + i) * s.out_w + x0);
            }
        }
    });
}

}  // namespace

void winograd_conv3x3(const float* x, const float* u, const float* bias, float* out,
                      const WinogradShape& s) {
    const int tiles_h = (s.out_h + 1) / 2, tiles_w = (s.out_w + 1) / 2;
    const int tiles = tiles_h * tiles_w;
    // Every block re-reads all of U, so blocks are as large as the cache budget allows, and
    // their number is a multiple of the thread count so that no thread idles at the end.
    const int team = omp_get_max_threads();
    const bool threads = team > 1 && int64_t(s.cin) * s.cout * tiles * 16 >= k_min_parallel_macs;
    int blocks = int((tiles + block_tiles(s) - 1) / block_tiles(s));
    if (threads) blocks = (blocks + team - 1) / team * team;
    blocks = std::min(blocks, tiles);
    const int block = (tiles + blocks - 1) / blocks;
#pragma omp parallel num_threads(team) if (threads && blocks > 1)
    {
        // Per thread: V [16][cin][block], M [16][cout][block] and the transforms' rows.
        const size_t v_floats = size_t(16) * s.cin * block, m_floats = size_t(16) * s.cout * block;
        float* v = thread_scratch(ScratchSlot::WinogradTransforms,
                                  v_floats + m_floats + size_t(scratch_floats(tiles_w)));
        float* m = v + v_floats;
        float* scratch = m + m_floats;
#pragma omp for schedule(dynamic)
        for (int bi = 0; bi < blocks; ++bi) {
            const int first = bi * block, count = std::min(block, tiles - first);
            if (count <= 0) continue;  // rounding the blocks up can leave the last ones empty
            transform_input(x, s, tiles_w, first, count, v, scratch);
            for (int xi = 0; xi < 16; ++xi) {
                // [cout, cin] x [cin, count] -> [cout, count], for each of the 16 positions
                GemmArgs g;
                g.m = s.cout;
                g.n = count;
                g.k = s.cin;
                g.a = u + int64_t(xi) * s.cout * s.cin;
                g.lda = s.cin;
                g.b = v + int64_t(xi) * s.cin * count;
                g.ldb = count;
                g.c = m + int64_t(xi) * s.cout * count;
                g.ldc = count;
                g.allow_threads = !threads;
                gemm(g);
            }
            transform_output(m, bias, s, tiles_w, first, count, out, scratch);
        }
    }
}

}  // namespace cl
