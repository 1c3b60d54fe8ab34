// What one unit of a layer is made from: the units of the layer before it that feed it (from the
// graph's geometry), and for a convolution or fully connected unit the products of its dot product
// with the real weights and activations. The Draw view's hover readout is built on this.
#pragma once

#include <vector>

#include "engine/graph.h"

namespace cl {

// A box of units of one node: channels [c0, c1], rows [y0, y1], columns [x0, x1], inclusive and
// clipped to the node's maps. Empty when node < 0 (the unit reads no other node).
struct UnitRegion {
    int node = -1;
    int c0 = 0, c1 = -1, y0 = 0, y1 = -1, x0 = 0, x1 = -1;
    bool empty() const { return node < 0 || c1 < c0 || y1 < y0 || x1 < x0; }
    bool contains(int c, int y, int x) const {
        return !empty() && c >= c0 && c <= c1 && y >= y0 && y <= y1 && x >= x0 && x <= x1;
    }
    int64_t count() const {
        return empty() ? 0 : int64_t(c1 - c0 + 1) * (y1 - y0 + 1) * (x1 - x0 + 1);
    }
};

// Every unit of node `node`.
UnitRegion whole_node(const Graph& graph, int node);

// The units of the node's FIRST input that any unit of `outputs` reads (a box that contains them
// all; for a flatten of a part of its input, the whole input). Convolutions read every input
// channel of their group through a window, pools one channel through a window, element-wise
// layers the same unit, softmax every channel at the same position, fully connected layers
// everything. Empty for the input node.
UnitRegion feeding_units(const Graph& graph, const UnitRegion& outputs);
// The same for one unit (channel, y, x) of `node`.
UnitRegion feeding_units(const Graph& graph, int node, int channel, int y, int x);

// One product of a dot product: input unit (channel, y, x) of the node read, times its weight.
// Padding positions are kept, with input 0, so that a window always has kernel x kernel terms.
struct DotTerm {
    int channel = 0, y = 0, x = 0;
    float weight = 0, input = 0;
    bool padding = false;
    float product() const { return weight * input; }
};

// The dot product that made one Conv2d or Linear unit. For a Linear unit the terms address its
// input node's units (a flatten's [C*H*W, 1, 1] output, each term's y = x = 0).
struct UnitDotProduct {
    int input_node = -1;
    int channels = 0, kernel = 1;  // a conv window: channels x kernel x kernel terms
    std::vector<DotTerm> terms;    // weight order: channel, then row, then column
    double sum = 0;                // of the products, accumulated in double
    float bias = 0;
    float value() const { return float(sum) + bias; }
};

// Whether unit_dot_product can explain this node (Conv2d or Linear with a "weight" parameter).
bool has_dot_product(const Graph& graph, int node);
// Throws cl::Error naming the node when it is neither a conv nor a linear layer, or when the unit
// or the activations do not exist.
UnitDotProduct unit_dot_product(const Graph& graph, const Activations& activations, int node,
                                int channel, int y, int x);
// Indices into terms of the `count` products largest in magnitude, largest first.
std::vector<int> largest_terms(const UnitDotProduct& dot, int count);

}  // namespace cl
