// The ImageNet (ILSVRC) classification results that the lecture's "which network, and why"
// rests on, with their sources, and network depth counted the way those papers count it.
#pragma once

#include <vector>

#include "engine/graph.h"

namespace cl {

struct IlsvrcEntry {
    int year = 0;
    const char* team = "";       // the entry's team name in the challenge results
    const char* network = "";    // what the lecture calls it: "AlexNet", "" for non-CNN entries
    double top5_error = 0.0;     // percent, classification task, test set
    int depth = 0;               // weight layers on the longest path; 0 = not a deep network
    bool winner = true;          // false: runner-up shown for its fame (VGG 2014)
    const char* zoo_model = "";  // the ConvLens zoo model to open for it; "" = not in the zoo
    const char* zoo_note = "";   // how the zoo model relates to the entry, when not exactly it
    const char* source = "";     // short citation
};

// 2010 ... 2015 in year order (2014: GoogLeNet winner and VGG runner-up).
const std::vector<IlsvrcEntry>& ilsvrc_history();
// Human top-5 error estimated by Russakovsky et al. 2015 (Karpathy's own labelling), percent.
double ilsvrc_human_top5_error();
const char* ilsvrc_citation();  // full references, one per line

// Depth as ILSVRC papers count it: the largest number of weight layers (convolutions and
// fully connected layers) on any path from input to output. AlexNet 8, VGG-16 16, GoogLeNet
// 22, ResNet-18 18 (the projection shortcuts are a shorter path).
int weight_layer_depth(const Graph& graph);
// The same count for every node: weight layers on the longest path from the input up to and
// including that node.
std::vector<int> weight_layer_depths(const Graph& graph);

}  // namespace cl
