// The Compare view's measurement thread (see compare_measure.h).
#include "app/views/compare/compare_measure.h"

#include <algorithm>
#include <exception>
#include <vector>

#include "engine/io/idx.h"
#include "engine/train/trainer.h"
#include "engine/util/stats.h"

namespace cl {

Measurer::Measurer(std::function<void()> wake)
    : wake_(std::move(wake)), thread_([this] { run(); }) {}

Measurer::~Measurer() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        queue_.clear();
    }
    cv_.notify_all();
    thread_.join();
}

uint64_t Measurer::latency(std::shared_ptr<const Graph> graph, Tensor input, int runs) {
    std::lock_guard<std::mutex> lock(mutex_);
    Job job;
    job.id = next_id_++;
    job.graph = std::move(graph);
    job.input = std::move(input);
    job.runs = std::max(1, runs);
    queue_.push_back(std::move(job));
    cv_.notify_all();
    return queue_.back().id;
}

uint64_t Measurer::accuracy(std::shared_ptr<const Graph> graph, std::string dataset) {
    std::lock_guard<std::mutex> lock(mutex_);
    Job job;
    job.id = next_id_++;
    job.graph = std::move(graph);
    job.dataset = std::move(dataset);
    queue_.push_back(std::move(job));
    cv_.notify_all();
    return queue_.back().id;
}

std::optional<Measurement> Measurer::result(uint64_t id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = results_.find(id);
    if (it == results_.end()) return std::nullopt;
    return it->second;
}

void Measurer::cancel(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.erase(
        std::remove_if(queue_.begin(), queue_.end(), [id](const Job& j) { return j.id == id; }),
        queue_.end());
    results_.erase(id);
    if (running_ == id) cancel_ = id;
    cv_.notify_all();
}

void Measurer::set_quiet(bool quiet) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (quiet == quiet_) return;
        quiet_ = quiet;
        if (!quiet) ++noise_;
    }
    cv_.notify_all();
}

bool Measurer::busy() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_ != 0 || !queue_.empty();
}

bool Measurer::wait_quiet() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return stop_ || quiet_ || cancel_ == running_; });
    return !stop_ && cancel_ != running_;
}

Measurement Measurer::measure_latency(const Job& job) {
    Measurement m;
    RunControl control;
    control.keep_going = [this, &job](int, int) { return cancel_.load() != job.id && !stop_; };
    std::vector<double> times;
    bool warmed = false;
    while (int(times.size()) < job.runs) {
        if (!wait_quiet()) return m;
        const uint64_t noise = noise_.load();
        const Activations acts = job.graph->forward(job.input, control);
        if (acts.cancelled) return m;
        bool overlapped = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            overlapped = noise != noise_.load() || !quiet_;
        }
        if (!warmed) {
            warmed = true;  // caches, page faults of the activations, thread start-up
            continue;
        }
        if (overlapped) {
            ++m.repeated;
            continue;
        }
        times.push_back(acts.total_millis());
    }
    m.runs = int(times.size());
    m.median_ms = median(times);
    m.min_ms = *std::min_element(times.begin(), times.end());
    m.max_ms = *std::max_element(times.begin(), times.end());
    return m;
}

void Measurer::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
            if (stop_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
            running_ = job.id;
        }
        Measurement m;
        try {
            if (job.dataset.empty()) {
                m = measure_latency(job);
            } else {
                const Dataset data = dataset_load(job.dataset, "test");
                check_dataset_fits(*job.graph, data);
                const EvalResult r = evaluate(*job.graph, data);
                m.correct = r.correct;
                m.total = r.total;
                m.dataset = job.dataset;
            }
        } catch (const std::exception& e) {
            m.error = e.what();
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (cancel_ != job.id && !stop_) results_[job.id] = m;
            running_ = 0;
            cancel_ = 0;
        }
        if (wake_ && !stop_) wake_();
    }
}

}  // namespace cl
