// A channel of forward passes over the window's one job queue: the main view's, or one Compare
// pane's. The UI submits requests (latest wins: a new one cancels the pass in flight) and draws
// the newest finished Snapshot; models come from the shared model cache. Nothing here touches
// ImGui, GL or AppState, and nothing here waits for the engine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/graph.h"
#include "engine/services/engine_services.h"
#include "engine/surgery.h"  // FilterReplacement

namespace cl {

struct Request {
    std::string model = "lenet5";  // zoo name or .onnx path
    std::string weights;           // "" = the model's defaults
    std::string input_path;        // "" = the built-in sample for the model's input shape
    // A tensor made on the UI thread (the Draw view's pad); when set it wins over input_path.
    // Compared by identity: a new drawing is a new tensor.
    std::shared_ptr<const Tensor> input_tensor;
    std::string input_tensor_label;
    // Kernel surgery: (conv node, output channel) pairs whose filter and bias are set to zero
    // in a copy of the model; pairs that do not exist in the model are ignored.
    std::vector<std::pair<std::string, int>> zeroed;
    // Applied after `zeroed`. A replacement whose node is not a conv layer of the model, or whose
    // size does not match the filter, makes the request fail with a message naming it.
    std::vector<FilterReplacement> replaced;
    bool modified() const { return !zeroed.empty() || !replaced.empty(); }
    bool operator==(const Request& o) const {
        return model == o.model && weights == o.weights && input_path == o.input_path &&
               input_tensor == o.input_tensor && zeroed == o.zeroed && replaced == o.replaced;
    }
    bool operator!=(const Request& o) const { return !(*this == o); }
};

// One finished result, immutable once published. On an error the previous good result is kept
// (graph, activations) and `error` says what failed.
struct Snapshot {
    uint64_t generation = 0;         // of the request this answers
    uint64_t result_generation = 0;  // of the request whose forward pass produced `activations`
    Request request;                 // what `graph` and `activations` are (the last good one)
    std::shared_ptr<const Graph> graph;
    Activations activations;
    std::vector<std::string> class_names;
    std::string input_label;  // "sample digit 7", "photo.jpg (downscaled)", ...
    std::string notice;       // something worth telling, not an error
    std::string error;        // one line; empty when this request succeeded
    bool ok() const { return graph != nullptr && !activations.outputs.empty(); }
};

class EngineWorker {
public:
    // channel: the job key ("main", "compare pane 2"); jobs of one channel replace each other.
    EngineWorker(EngineServices& services, std::string channel);
    ~EngineWorker();  // cancels the pass in flight (the queue joins it)
    EngineWorker(const EngineWorker&) = delete;
    EngineWorker& operator=(const EngineWorker&) = delete;

    uint64_t submit(Request request);  // cancels any earlier request; returns its generation
    // UI thread, once per frame: the newest result (a finished pass, or the first of a graph's
    // two passes), or the previous one while the new request is computing.
    std::shared_ptr<const Snapshot> latest() const;
    uint64_t newest_generation() const { return newest_; }
    // The newest request has been answered (its job finished).
    bool idle() const;

    struct Channel;  // what the jobs of this channel share (the last good result, timing)

private:
    EngineServices& services_;
    std::string channel_;
    std::shared_ptr<Channel> shared_;
    uint64_t newest_ = 0;
    JobHandle<Snapshot> job_;
    mutable std::shared_ptr<const Snapshot> latest_;
};

}  // namespace cl
