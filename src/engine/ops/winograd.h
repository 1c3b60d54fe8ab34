// Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray 2016): each 2x2 block of
// outputs costs 16 multiplies per channel pair instead of 36, as 16 GEMMs over tiles.
#pragma once

#include <cstdint>
#include <vector>

namespace cl {

struct WinogradShape {  // one sample and one group
    int cin = 1, cout = 1, height = 1, width = 1, pad = 0, out_h = 1, out_w = 1;
};

// Whether the transforms pay for themselves: enough channels and enough tiles of output (Conv2d
// transforms the weights once and caches them, so that cost is not counted).
bool winograd_worth_it(int cin, int cout, int out_h, int out_w);

// weight [cout, cin, 3, 3] -> U [16][cout][cin], U = G g G^T per channel pair.
std::vector<float> winograd_weights(const float* weight, int cout, int cin);

// x [cin, H, W] -> out [cout, OH, OW] (overwritten; bias added when not null), with the
// padding `pad` on every side, stride 1, no dilation. Threads over blocks of tiles when the
// layer is big enough.
void winograd_conv3x3(const float* x, const float* u, const float* bias, float* out,
                      const WinogradShape& s);

}  // namespace cl
