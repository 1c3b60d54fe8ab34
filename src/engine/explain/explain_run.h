// How the longer explanations run (occlusion, top-k over a dataset): cancellation and progress
// through one small struct, and the work cut into chunks that run side by side on the engine's
// pool, with the callbacks always called on the caller's thread between rounds.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "engine/graph.h"

namespace cl {

struct ExplainControl {
    // Asked between rounds of chunks (and between nodes of single forward passes): false stops
    // the work, and the result says `cancelled`. Empty: never stops.
    std::function<bool()> keep_going;
    // After each round: items (images, patch positions) done so far, out of `total`.
    std::function<void(int done, int total)> progress;
};

// A RunControl for Graph::forward that stops when control.keep_going says so.
RunControl forward_control(const ExplainControl& control);

// Explanations are of the model as it infers: BatchNorm with its running statistics, no
// dropout. They take the graph const (views share one copy of a model), so they cannot switch
// it; this throws a cl::Error naming `what` when the graph is in training mode.
void require_inference_mode(const Graph& graph, const std::string& what);

// Images per forward pass so that one pass's activations of nodes 0..last_node stay within
// `budget_bytes`: at most `wanted`, at least 1.
int chunk_for_memory(const Graph& graph, int last_node, int wanted,
                     int64_t budget_bytes = int64_t(256) << 20);

// Runs job(begin, count) over [0, items) in chunks of `chunk` items, thread_count() chunks at a
// time side by side (each job's ops then run serially, as evaluate() does). Between rounds, on
// the calling thread: control.progress, then control.keep_going. Returns false when cancelled
// (later chunks never ran). An exception from a job is rethrown after its round.
bool run_chunks(int items, int chunk, const ExplainControl& control,
                const std::function<void(int begin, int count)>& job);

}  // namespace cl
