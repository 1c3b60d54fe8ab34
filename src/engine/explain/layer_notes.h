// The Walkthrough's engine side, testable without a window: which nodes the arrow keys visit, the
// merge modules found in a graph's structure (inception's depth-concat, ResNet's F(x) + x), VGG's
// stacked-3x3 arithmetic, and two or three sentences per layer on what it does and why.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/graph.h"
#include "engine/zoo/zoo.h"

namespace cl {

// A Concat or Add node and the branches that meet in it, all starting from one node x.
struct MergeModule {
    int input = -1;  // x: the node every branch starts from
    int merge = -1;  // the Concat / Add node
    // Per merge input, in order: the nodes after x up to that input; empty = x itself (identity).
    std::vector<std::vector<int>> branches;
};

// Every Concat / Add with two or more inputs whose branches share a start node, in graph order.
std::vector<MergeModule> find_merge_modules(const Graph& graph);
// The module whose merge node or branches hold `node`, -1 if none.
int module_of(const std::vector<MergeModule>& modules, int node);

// The nodes the arrow keys visit, in order. main_only leaves out the element-wise layers that the
// lecture tables leave out (ReLU, BatchNorm, LRN, dropout, flatten, ...); the output stays.
std::vector<int> walkthrough_steps(const Graph& graph, bool main_only);

// VGG's argument with numbers: n stride-1 3x3 convolutions C -> C in a row see what one
// (2n+1)x(2n+1) convolution sees, with fewer parameters and MACs.
struct StackedConvs {
    int convs = 0;  // n, counting this one; 0 when the node does not end such a run of >= 2
    int channels = 0;
    int receptive = 0;  // 2n + 1
    int64_t stacked_params = 0, single_params = 0;
    int64_t stacked_macs = 0, single_macs = 0;  // at the node's output size
    std::string stacked_formula;                // "2·(3·3·64 + 1)·64 = 73,856"
    std::string single_formula;                 // "(5·5·64 + 1)·64 = 102,464"
};
StackedConvs stacked_3x3(const Graph& graph, int node);

// The six widths of a GoogLeNet-style module ([1x1], [1x1, 3x3], [1x1, 5x5], [pool, 1x1]), so
// its naive twin can be built with build_inception_block; false for any other shape of module.
bool inception_widths(const Graph& graph, const MergeModule& module, InceptionWidths& widths);

// Two or three sentences: what the layer does, with its numbers, and why it is there.
std::string layer_note(const Graph& graph, int node);

}  // namespace cl
