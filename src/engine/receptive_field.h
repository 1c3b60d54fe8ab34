// Receptive fields from a graph's geometry: which input pixels a unit of any node depends on
// (kernel, stride, padding and dilation of every sliding window on the way back to the input).
#pragma once

#include "engine/graph.h"

namespace cl {

// Input rows [y0, y1] and columns [x0, x1], inclusive and NOT clipped to the image (padding
// makes them reach outside). `all`: the unit sees the whole input (fc layers, global pooling).
struct InputWindow {
    int y0 = 0, x0 = 0, y1 = -1, x1 = -1;
    bool all = false;
};

// The window of the graph's input that unit (y, x) of `node` depends on (any channel).
InputWindow receptive_field(const Graph& graph, int node, int y, int x);
// The same window clipped to the input image of height h and width w.
InputWindow clip_window(const InputWindow& window, int h, int w);

}  // namespace cl
