// An attribution map drawn over the input it explains, without a GPU: `convlens explain --png`
// and handouts. The map is stretched over the image for display only; the numbers stay in the
// map's own resolution.
#pragma once

#include "engine/colormap.h"
#include "engine/render.h"
#include "engine/tensor.h"

namespace cl {

// input: [1,C,H,W] (1 or 3 channels are shown as grey or RGB, others as their mean; values
// outside [0,1] are rescaled to it). map: [1,1,h,w] of any size, stretched bilinearly over the
// H x W image (pixel centres aligned), coloured over `range` and blended: a constant `opacity`
// for viridis and grey, opacity x |value| / max for the diverging map, so that 0 is clear.
// The whole picture is magnified by `scale` (>= 1).
RgbImage render_overlay(const Tensor& input, const Tensor& map, Colormap colormap, ValueRange range,
                        int scale, float opacity = 0.6f);

// [1,C,H,W] -> [1,1,H,W], summed over channels: one signed value per pixel, how a per-input
// attribution (saliency, gradient x input) of a colour image is drawn.
Tensor sum_channels(const Tensor& map);

}  // namespace cl
