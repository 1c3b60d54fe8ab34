// Winograd F(2x2, 3x3) and F(4x4, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray 2016):
// each m x m block of outputs costs (m+2)^2 multiplies per channel pair instead of 9 m^2
// (16 instead of 36 for m = 2, 36 instead of 144 for m = 4), as (m+2)^2 GEMMs over tiles.
#pragma once

#include <cstdint>
#include <vector>

namespace cl {

struct WinogradShape {  // one sample and one group
    int cin = 1, cout = 1, height = 1, width = 1, pad = 0, out_h = 1, out_w = 1;
    int tile = 2;  // outputs per tile side: 2 (F(2x2,3x3)) or 4 (F(4x4,3x3))
};

// The tile side Conv2d uses for this layer, or 0 where im2col + GEMM is faster: enough
// channels and enough tiles of output (the weights are transformed once and cached by Conv2d,
// so that cost is not counted). Measured in docs/benchmarks.md.
int winograd_tile_for(int cin, int cout, int out_h, int out_w);

// Positions per tile: (tile + 2)^2.
int winograd_positions(int tile);

// weight [cout, cin, 3, 3] -> U [positions][cout][cin], U = G g G^T per channel pair.
std::vector<float> winograd_weights(const float* weight, int cout, int cin, int tile);

// x [cin, H, W] -> out [cout, OH, OW] (overwritten; bias added when not null; ReLU(out) into
// relu_out unless it is null), with the padding `pad` on every side, stride 1, no dilation;
// u from winograd_weights with s.tile. Threads over blocks of tiles when the layer is big
// enough.
void winograd_conv3x3(const float* x, const float* u, const float* bias, float* out,
                      float* relu_out, const WinogradShape& s);

}  // namespace cl
