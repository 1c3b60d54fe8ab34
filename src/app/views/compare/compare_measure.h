// The Compare view's measurements, as background jobs (the queue runs one background job at a
// time, so they never overlap each other): forward latency (a warm-up pass, then the median of
// several timed passes, every activation kept) and test accuracy of the models ConvLens trained
// itself. Nothing here touches ImGui.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/graph.h"
#include "engine/services/engine_services.h"

namespace cl {

struct Measurement {
    std::string error;  // one line; empty on success
    // Latency
    double median_ms = 0, min_ms = 0, max_ms = 0;
    int runs = 0;      // timed passes (the warm-up excluded)
    int repeated = 0;  // passes discarded because another computation overlapped them
    // Accuracy
    int correct = 0, total = 0;
    std::string dataset;  // "mnist", "fashion-mnist"
};

class Measurer {
public:
    explicit Measurer(EngineServices& services);
    ~Measurer();  // cancels its jobs
    Measurer(const Measurer&) = delete;
    Measurer& operator=(const Measurer&) = delete;

    // Queue a job; returns its id. input: the graph's input ([1,C,H,W]).
    uint64_t latency(std::shared_ptr<const Graph> graph, Tensor input, int runs);
    // dataset: "mnist" or "fashion-mnist" (its test split, from the shared dataset cache).
    uint64_t accuracy(std::shared_ptr<const Graph> graph, std::string dataset);
    std::optional<Measurement> result(uint64_t id) const;  // set once the job has finished
    void cancel(uint64_t id);                              // drops the job and its result
    // false while other computations run (the panes' forward passes): timed passes wait, and
    // a pass that overlapped such a period is discarded and repeated.
    void set_quiet(bool quiet);
    bool busy() const;  // a job queued or running

    // Shared with the running jobs, which may outlive a removed pane.
    struct Quiet {
        std::mutex mutex;
        std::condition_variable changed;
        bool quiet = true;
        std::atomic<uint64_t> noise{0};  // counts the periods that were not quiet
    };

private:
    EngineServices& services_;
    std::shared_ptr<Quiet> quiet_;
    std::map<uint64_t, JobHandle<Measurement>> jobs_;
};

}  // namespace cl
