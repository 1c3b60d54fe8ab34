// Feature maps as pictures without a GPU: one layer's channels tiled into a grid and coloured,
// for `convlens render`, `convlens convolve --out x.png` and handouts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/colormap.h"
#include "engine/tensor.h"

namespace cl {

struct RgbImage {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;  // width*height*3
};

struct ValueRange {
    float lo = 0, hi = 0;
};

// The colormap a teacher expects for these values: grey for an input image, viridis when
// nothing is negative, blue-white-red centred on 0 otherwise.
Colormap colormap_for(const Tensor& maps, bool is_input);
ValueRange value_range(const Tensor& maps);
// The diverging map's range is symmetric (-m..m) so that white means exactly 0.
ValueRange display_range(const Tensor& maps, Colormap map);

// Every channel of sample 0 of `maps` ([N,C,H,W]) tiled into a near-square grid; each map is
// magnified by `scale` (nearest neighbour) and separated by `gap` pixels of dark grey.
RgbImage render_grid(const Tensor& maps, Colormap map, ValueRange range, int scale, int gap = 2);
// A horizontal colour bar `width` x `height` for the legend.
RgbImage render_colorbar(Colormap map, int width, int height);
// Stacks b under a (widths may differ; the rest is filled dark grey).
RgbImage stack_vertically(const RgbImage& a, const RgbImage& b, int gap = 4);
// Magnification so that a map of `size` pixels is shown at least `target` pixels wide.
int scale_for(int size, int target);

}  // namespace cl
