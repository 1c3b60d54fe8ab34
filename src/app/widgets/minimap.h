// The Walkthrough's map of the whole network: one bar per step (height = log of the layer's
// output size, so the funnel of a CNN is visible; colour = kind of layer), the current step
// marked, click to jump; and the cumulative bar of params / MACs up to the current step.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/ops/op.h"

namespace cl {

// One colour per family of layers (convolution, pooling, fully connected, merge, the rest),
// readable on the dark and the light theme alike.
ImU32 layer_colour(OpKind kind);
const char* layer_family(OpKind kind);  // "convolution", "pooling", ...

struct MinimapItem {
    std::string name;
    OpKind kind = OpKind::Input;
    int64_t size = 1;  // output values; the bar height grows with its logarithm
    std::string tooltip;
};

// Returns the index of the item clicked this frame, -1 if none.
int minimap(const char* id, const std::vector<MinimapItem>& items, int current, ImVec2 size);

// "params 2,300 of 61,100,840 (4%)" over a bar filled to so_far / total, with the current
// layer's own share drawn brighter at the end of the filled part.
void cumulative_bar(const char* label, int64_t so_far, int64_t own, int64_t total, float width,
                    ImU32 colour);

}  // namespace cl
