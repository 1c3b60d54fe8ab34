// Winograd F(2x2, 3x3): input tiles of 4x4 (stride 2) are transformed to V = B^T d B, multiplied
// element-wise with U = G g G^T and summed over input channels (16 GEMMs [cout,cin] x
// [cin,tiles]), and folded back with Y = A^T M A. Tiles are processed in blocks whose V and M
// stay cache-sized; blocks are spread over the threads.
#include "engine/ops/winograd.h"

#include <omp.h>

#include <algorithm>
#include <memory>

#include "engine/ops/gemm.h"

namespace cl {

namespace {
constexpr int64_t k_block_floats = int64_t(1) << 21;  // V + M of one block: about 8 MB

int64_t block_tiles(const WinogradShape& s) {
    return std::max<int64_t>(16, k_block_floats / (16 * int64_t(s.cin + s.cout)));
}
}  // namespace

bool winograd_worth_it(int cin, int cout, int out_h, int out_w) {
    // Measured with bench/conv_bench against im2col + GEMM (docs/benchmarks.md): only VGG16's
    // conv3 block (128/256 -> 256 channels on 56x56) gains. With 64-128 output channels the
    // GEMMs over cin are too shallow for the scalar transforms to pay, with 512 the per-forward
    // weight transform (16 x cout x cin floats) and its re-packing per block of tiles cost more
    // than the saved multiplies, and maps under 56x56 have too few tiles.
    return cin >= 128 && cout >= 256 && int64_t(cin) * cout <= 256 * 256 &&
           int64_t(out_h) * out_w >= 56 * 56;
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

// V[16][cin][count] for tiles [first, first+count) of the tile grid.
void transform_input(const float* x, const WinogradShape& s, int tiles_w, int first, int count,
                     float* v) {
    const int64_t stride = int64_t(s.cin) * count;
    for (int ci = 0; ci < s.cin; ++ci) {
        const float* plane = x + int64_t(ci) * s.height * s.width;
        for (int t = 0; t < count; ++t) {
            const int tile = first + t;
            const int y0 = (tile / tiles_w) * 2 - s.pad, x0 = (tile % tiles_w) * 2 - s.pad;
            float d[4][4];
            for (int i = 0; i < 4; ++i) {
                const int y = y0 + i;
                const bool row_in = y >= 0 && y < s.height;
                for (int j = 0; j < 4; ++j) {
                    const int xx = x0 + j;
                    d[i][j] = row_in && xx >= 0 && xx < s.width ? plane[y * s.width + xx] : 0.0f;
                }
            }
            float b[4][4];  // B^T d, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
            for (int j = 0; j < 4; ++j) {
                b[0][j] = d[0][j] - d[2][j];
                b[1][j] = d[1][j] + d[2][j];
                b[2][j] = d[2][j] - d[1][j];
                b[3][j] = d[1][j] - d[3][j];
            }
            float* dst = v + int64_t(ci) * count + t;
            for (int i = 0; i < 4; ++i) {  // (B^T d) B
                dst[(i * 4 + 0) * stride] = b[i][0] - b[i][2];
                dst[(i * 4 + 1) * stride] = b[i][1] + b[i][2];
                dst[(i * 4 + 2) * stride] = b[i][2] - b[i][1];
                dst[(i * 4 + 3) * stride] = b[i][1] - b[i][3];
            }
        }
    }
}

// Y = A^T M A per tile, A^T = [1 1 1 0; 0 1 -1 -1], clipped to the output, plus bias.
void transform_output(const float* m, const float* bias, const WinogradShape& s, int tiles_w,
                      int first, int count, float* out) {
    const int64_t stride = int64_t(s.cout) * count;
    for (int co = 0; co < s.cout; ++co) {
        float* plane = out + int64_t(co) * s.out_h * s.out_w;
        const float b = bias ? bias[co] : 0.0f;
        for (int t = 0; t < count; ++t) {
            const float* src = m + int64_t(co) * count + t;
            float e[4][4];
            for (int i = 0; i < 16; ++i) e[i / 4][i % 4] = src[i * stride];
            float r[2][4];
            for (int j = 0; j < 4; ++j) {
                r[0][j] = e[0][j] + e[1][j] + e[2][j];
                r[1][j] = e[1][j] - e[2][j] - e[3][j];
            }
            const int tile = first + t;
            const int y0 = (tile / tiles_w) * 2, x0 = (tile % tiles_w) * 2;
            for (int i = 0; i < 2 && y0 + i < s.out_h; ++i) {
                float* row = plane + int64_t(y0 + i) * s.out_w + x0;
                row[0] = r[i][0] + r[i][1] + r[i][2] + b;
                if (x0 + 1 < s.out_w) row[1] = r[i][1] - r[i][2] - r[i][3] + b;
            }
        }
    }
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
        // Per thread: [16][cin][block] and [16][cout][block]
        std::unique_ptr<float[]> v(new float[size_t(16) * s.cin * block]);
        std::unique_ptr<float[]> m(new float[size_t(16) * s.cout * block]);
#pragma omp for schedule(dynamic)
        for (int bi = 0; bi < blocks; ++bi) {
            const int first = bi * block, count = std::min(block, tiles - first);
            if (count <= 0) continue;  // rounding the blocks up can leave the last ones empty
            transform_input(x, s, tiles_w, first, count, v.get());
            for (int xi = 0; xi < 16; ++xi) {
                // [cout, cin] x [cin, count] -> [cout, count], for each of the 16 positions
                GemmArgs g;
                g.m = s.cout;
                g.n = count;
                g.k = s.cin;
                g.a = u + int64_t(xi) * s.cout * s.cin;
                g.lda = s.cin;
                g.b = v.get() + int64_t(xi) * s.cin * count;
                g.ldb = count;
                g.c = m.get() + int64_t(xi) * s.cout * count;
                g.ldc = count;
                g.allow_threads = !threads;
                gemm(g);
            }
            transform_output(m.get(), bias, s, tiles_w, first, count, out);
        }
    }
}

}  // namespace cl
