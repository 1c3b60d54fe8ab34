// The feature-map grid used by every view: all maps of one atlas tiled to fit the given size,
// nearest-neighbour magnified (integer factors when they fit) with an optional pixel grid,
// a hover readout (channel, x, y, value) and click-to-enlarge.
#pragma once

#include <imgui.h>

#include "engine/tensor.h"
#include "gfx/texture_cache.h"

namespace cl {

// A box of units to mark: maps [c0, c1], rows [y0, y1], columns [x0, x1], inclusive; for a
// vector atlas (one map of C units) the units c0..c1. Empty when c1 < c0.
struct UnitMarks {
    int c0 = 0, c1 = -1, y0 = 0, y1 = -1, x0 = 0, x1 = -1;
};

struct FeatureGridOptions {
    bool pixel_grid = true;
    int enlarged = -1;      // >= 0: show only this map, as large as fits
    float min_tile = 0.0f;  // smallest tile side in pixels (0: ui_scaled(18)); scrolls below
    int highlight = -1;     // a map to outline (e.g. the hovered one in a linked grid)
    UnitMarks marks;        // units framed in cyan (e.g. those feeding a unit hovered elsewhere)
};

struct FeatureGridHover {
    int channel = -1;  // map under the mouse, -1 none
    int x = 0, y = 0;  // pixel within the map
    float value = 0.0f;
    int clicked = -1;  // map clicked this frame, -1 none
};

// maps: the [1,C,H,W] tensor the atlas was made from (read for the hover value).
FeatureGridHover feature_grid(const char* id, const Atlas& atlas, const Tensor& maps, ImVec2 size,
                              const FeatureGridOptions& options);

}  // namespace cl
