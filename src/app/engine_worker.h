// The one thread that owns the engine: loads models, turns inputs into tensors, runs forward
// passes. The UI submits requests (latest wins) and draws the newest published Snapshot; the
// worker never touches ImGui, GL or AppState.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/graph.h"
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
    // wake is called (from the worker thread) after each publish: glfwPostEmptyEvent.
    explicit EngineWorker(std::function<void()> wake);
    ~EngineWorker();  // cancels the running pass and joins
    EngineWorker(const EngineWorker&) = delete;
    EngineWorker& operator=(const EngineWorker&) = delete;

    uint64_t submit(Request request);  // replaces any pending request; returns its generation
    std::shared_ptr<const Snapshot> latest() const;
    uint64_t newest_generation() const { return newest_.load(); }
    // Nothing pending or running, and the newest request has been answered.
    bool idle() const;

private:
    void run();
    std::shared_ptr<const Snapshot> process(const Request& request, uint64_t generation);
    void publish(std::shared_ptr<const Snapshot> snapshot);
    // Shows a result without answering its request (a second, timed pass follows).
    void show(std::shared_ptr<const Snapshot> snapshot);

    std::function<void()> wake_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::optional<std::pair<Request, uint64_t>> pending_;
    std::shared_ptr<const Snapshot> latest_;
    std::atomic<uint64_t> newest_{0};
    std::atomic<uint64_t> answered_{0};
    std::atomic<bool> stop_{false};

    // Worker thread only: the loaded model and the last good result.
    std::shared_ptr<const Graph> graph_;
    Request graph_request_;
    std::shared_ptr<const Graph> modified_;  // graph_ after the surgery of modified_for_
    Request modified_for_;                   // its zeroed and replaced lists
    std::vector<std::string> class_names_;
    std::shared_ptr<const Snapshot> good_;
    std::shared_ptr<const Graph> timed_graph_;  // has had its first (untimed) pass

    std::thread thread_;  // last: starts after every member above exists
};

}  // namespace cl
