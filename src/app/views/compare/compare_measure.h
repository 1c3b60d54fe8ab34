// The Compare view's measurements, on one background thread so they never overlap each other:
// forward latency (a warm-up pass, then the median of several timed passes, every activation
// kept) and test accuracy of the models ConvLens trained itself. Nothing here touches ImGui.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/graph.h"

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
    explicit Measurer(std::function<void()> wake = {});  // wake: called after each result
    ~Measurer();                                         // cancels the running job and joins
    Measurer(const Measurer&) = delete;
    Measurer& operator=(const Measurer&) = delete;

    // Queue a job; returns its id. input: the graph's input ([1,C,H,W]).
    uint64_t latency(std::shared_ptr<const Graph> graph, Tensor input, int runs);
    // dataset: "mnist" or "fashion-mnist" (its test split).
    uint64_t accuracy(std::shared_ptr<const Graph> graph, std::string dataset);
    std::optional<Measurement> result(uint64_t id) const;  // set once the job has finished
    void cancel(uint64_t id);                              // drops the job and its result
    // false while other computations run (the panes' workers): timed passes wait, and a pass
    // that overlapped such a period is discarded and repeated.
    void set_quiet(bool quiet);
    bool busy() const;  // a job queued or running

private:
    struct Job {
        uint64_t id = 0;
        std::shared_ptr<const Graph> graph;
        Tensor input;
        int runs = 0;
        std::string dataset;  // non-empty: an accuracy job
    };
    void run();
    Measurement measure_latency(const Job& job);
    bool wait_quiet();  // false when the running job was cancelled or the meter stops

    std::function<void()> wake_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Job> queue_;
    std::map<uint64_t, Measurement> results_;
    uint64_t next_id_ = 1;
    uint64_t running_ = 0;  // id of the job in progress, 0 = none
    bool quiet_ = true;
    std::atomic<uint64_t> noise_{0};   // counts the periods that were not quiet
    std::atomic<uint64_t> cancel_{0};  // id of a running job to stop
    std::atomic<bool> stop_{false};
    std::thread thread_;  // last: starts after every member above exists
};

}  // namespace cl
