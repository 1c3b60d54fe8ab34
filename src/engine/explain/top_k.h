// What each unit responds to: the dataset images that activate a channel most (Zeiler & Fergus
// 2014's grids), with where in the image the strongest response sits, so that a view can crop
// the receptive field and outline it. One pass over the dataset serves every channel of a layer,
// and the result is cached on disk per weights, layer, dataset and k.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/explain/explain_run.h"
#include "engine/graph.h"
#include "engine/io/idx.h"
#include "engine/receptive_field.h"

namespace cl {

struct TopKHit {
    int image = -1;    // index into the dataset
    float value = 0;   // the channel's largest value in that image
    int y = 0, x = 0;  // where, in the node's output (the first such position, row-major)
    // The input pixels unit (y, x) depends on, clipped to the image (`all` for fc layers).
    InputWindow field;
};

struct TopKOptions {
    int k = 9;
    int batch = 250;        // images per forward pass (fewer when the layer's memory says so)
    bool use_cache = true;  // read and write the cache
    std::string cache_dir;  // "": top_k_default_cache_dir()
};

struct TopKResult {
    int node = -1;
    int k = 0;
    // [channel][rank]: the k (or all, if fewer images) best images of each channel, the
    // largest value first; ties go to the lower image index.
    std::vector<std::vector<TopKHit>> channels;
    bool cancelled = false;  // channels is then empty
    bool from_cache = false;
    std::string cache_file;  // the file read or written, "" without the cache
    double seconds = 0;      // wall time of this call
};

// Top-k for every channel of `node` in one pass over `data`. The graph must be in inference
// mode (require_inference_mode); forward passes stop at the node. Chunks run
// side by side on the engine's pool; progress counts images; keep_going is asked between rounds.
// Throws cl::Error when the images do not fit the model or k < 1.
TopKResult top_k_layer(const Graph& graph, int node, const Dataset& data,
                       const TopKOptions& options = {}, const ExplainControl& control = {});
// One channel's hits (best first; empty when cancelled). Computes, and caches, the whole layer:
// the forward passes are the cost, not the scan of the other channels.
std::vector<TopKHit> top_k_channel(const Graph& graph, int node, int channel, const Dataset& data,
                                   const TopKOptions& options = {},
                                   const ExplainControl& control = {});

// $XDG_CACHE_HOME/convlens/topk, else $HOME/.cache/convlens/topk; "" when neither is set.
std::string top_k_default_cache_dir();
// 64-bit FNV-1a over the graph's name, input shape and every parameter and buffer (names,
// shapes and float bytes): what keys cached results to a model and its weights.
uint64_t graph_params_hash(const Graph& graph);
// The same hash of a dataset's name, images and labels.
uint64_t dataset_hash(const Dataset& data);

}  // namespace cl
