// The Patterns view's computations, as jobs of the window's queue: each takes what it needs by
// value or shared pointer and returns a result the UI thread only draws. No ImGui here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/explain/activation_max.h"
#include "engine/explain/attribution.h"
#include "engine/explain/top_k.h"
#include "engine/io/idx.h"
#include "engine/services/engine_services.h"

namespace cl {

// Top-k patches of every channel of one layer, cut out of the dataset images (each crop is the
// unit's receptive field) and laid out as one picture, Zeiler & Fergus's grid: one block per
// channel, the block's crops in rows of `per_row`, blocks in rows of `cols`.
struct TopKTiles {
    std::string layer;
    int k = 0, channels = 0, tile = 0;
    std::vector<std::vector<TopKHit>> hits;  // [channel][rank]
    std::shared_ptr<const Dataset> data;     // where the hits' images are
    bool from_cache = false;
    double seconds = 0;
    // The picture: [1,1,H,W] of pixel values; separators are grey (0.35).
    Tensor mosaic;
    int per_row = 3, cols = 1;
    int block = 0;  // side of one channel's block in mosaic pixels, gaps included
    static constexpr int k_gap = 1, k_block_gap = 3;
    // The channel whose block holds mosaic pixel (x, y), -1 for a separator.
    int channel_at(int x, int y) const;
};
// first `max_channels` channels only (0: all).
std::shared_ptr<const TopKTiles> tiles_subset(const TopKTiles& tiles, int max_channels);

JobHandle<TopKTiles> submit_top_k(EngineServices& services, std::shared_ptr<const Graph> graph,
                                  int node, const std::string& dataset, int k,
                                  const std::string& key);

// The crops of several layers side by side (conv1, a middle layer, the last conv): the first
// `channels` channels of each, for the low-level versus high-level picture.
struct LayerLadder {
    std::vector<std::shared_ptr<const TopKTiles>> layers;
};
JobHandle<LayerLadder> submit_ladder(EngineServices& services, std::shared_ptr<const Graph> graph,
                                     std::vector<int> nodes, const std::string& dataset, int k,
                                     const std::string& key);

enum class AttributionMethod { GradCam, Saliency, GradientTimesInput, Occlusion };
const char* attribution_method_name(AttributionMethod m);

// One explanation of the current input, with a display copy scaled to the input's size
// (bilinear for Grad-CAM and occlusion maps, which are coarser than the input).
struct AttributionResult {
    AttributionMethod method = AttributionMethod::GradCam;
    Tensor raw;      // the method's own map: Grad-CAM at the layer's H x W, saliency per input
    Tensor display;  // [1,1,H,W] of the input: |sum over channels| for saliency, else the map
    Tensor input;    // [1,C,H,W], what was explained
    ExplainedClass target;
    std::string layer;          // Grad-CAM's
    int patch = 0, stride = 0;  // occlusion's
};

struct AttributionRequest {
    AttributionMethod method = AttributionMethod::GradCam;
    int layer = -1;  // Grad-CAM
    int target = k_predicted_class;
    int patch = 0, stride = 0;  // occlusion; 0 = defaults
};

JobHandle<AttributionResult> submit_attribution(EngineServices& services,
                                                std::shared_ptr<const Graph> graph, Tensor input,
                                                const AttributionRequest& request);

// Activation maximisation, step by step: the job publishes every step until it is cancelled or
// has run `steps` steps.
struct DreamFrame {
    ActivationMaxStep step;
    std::vector<double> objectives;  // every step so far, for the curve
};
JobHandle<DreamFrame> submit_dream(EngineServices& services, std::shared_ptr<const Graph> graph,
                                   const ActivationMaxOptions& options, int steps);

}  // namespace cl
